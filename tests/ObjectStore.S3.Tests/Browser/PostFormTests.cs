using System.Text;
using ObjectStore.S3.Browser;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Tests.Auth;

namespace ObjectStore.S3.Tests.Browser;

public sealed class PostFormTests
{
    private const string Boundary = "----form-boundary-7MA4YWxkTrZu0gW";

    private static byte[] Body(IEnumerable<(string Name, string Value)> fields, string? fileContent, IEnumerable<(string Name, string Value)>? after = null)
    {
        var sb = new StringBuilder();
        foreach (var (name, value) in fields)
            sb.Append($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        if (fileContent is not null)
            sb.Append($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\nContent-Type: image/png\r\n\r\n{fileContent}\r\n");
        foreach (var (name, value) in after ?? [])
            sb.Append($"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
        sb.Append($"--{Boundary}--\r\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    [Theory]
    [InlineData("multipart/form-data; boundary=abc", true)]
    [InlineData("multipart/form-data; boundary=\"abc\"", true)]
    [InlineData("Multipart/Form-Data; boundary=abc", true)]
    [InlineData("multipart/form-data", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData(null, false)]
    public void Only_multipart_form_data_with_a_boundary_is_a_post_form(string? contentType, bool accepted) =>
        Assert.Equal(accepted, PostForm.TryGetBoundary(contentType, out _));

    [Fact]
    public async Task Fields_before_the_file_are_read_and_the_file_streams_from_the_body_in_small_reads()
    {
        var content = new string('x', 100_000);
        var body = new TrickleStream(Body([("Key", "uploads/${filename}"), ("Content-Type", "image/png")], content, [("late", "ignored")]), 997);
        var form = await PostForm.ReadAsync(body, Boundary, CancellationToken.None);

        Assert.Equal("uploads/${filename}", form.Field("key"));
        Assert.Equal("image/png", form.Field("content-type"));
        Assert.Null(form.Field("late"));
        Assert.Equal("cat.png", form.FileName);
        Assert.True(body.Position < body.Length, "the file must not be read before the caller reads it");
        using var reader = new StreamReader(form.File!);
        Assert.Equal(content, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task A_form_without_a_file_has_no_file_stream()
    {
        var form = await PostForm.ReadAsync(new MemoryStream(Body([("key", "a")], null)), Boundary, CancellationToken.None);
        Assert.Null(form.File);
        Assert.Equal("a", form.Field("key"));
    }

    [Fact]
    public async Task Fields_over_20_KiB_before_the_file_are_refused()
    {
        var error = await Assert.ThrowsAsync<S3Exception>(() =>
            PostForm.ReadAsync(new MemoryStream(Body([("key", "a"), ("x-amz-meta-big", new string('m', 21 * 1024))], "x")), Boundary, CancellationToken.None));
        Assert.Equal("MaxPostPreDataLengthExceededError", error.Code.Code);
    }

    [Theory]
    [InlineData("no boundary at all")]
    [InlineData("--" + Boundary + "\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nunterminated")]
    [InlineData("--" + Boundary + "\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--" + Boundary + "--\r\n")]
    public async Task Bodies_that_are_not_well_formed_are_MalformedPOSTRequest(string body)
    {
        var error = await Assert.ThrowsAsync<S3Exception>(() => PostForm.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), Boundary, CancellationToken.None));
        Assert.Equal("MalformedPOSTRequest", error.Code.Code);
    }

    [Fact]
    public async Task A_file_that_ends_early_is_MalformedPOSTRequest_when_read()
    {
        var truncated = Encoding.UTF8.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\npartial bytes");
        var form = await PostForm.ReadAsync(new MemoryStream(truncated), Boundary, CancellationToken.None);
        var error = await Assert.ThrowsAsync<S3Exception>(() => form.File!.CopyToAsync(Stream.Null));
        Assert.Equal("MalformedPOSTRequest", error.Code.Code);
    }

    [Theory]
    [InlineData(0, 10, 11, "EntityTooLarge")]
    [InlineData(12, 100, 11, "EntityTooSmall")]
    [InlineData(11, 11, 11, null)]
    public async Task The_file_stream_enforces_the_content_length_range(long min, long max, int size, string? code)
    {
        var stream = new PostFileStream(new TrickleStream(new byte[size], 3)) { MinLength = min, MaxLength = max };
        if (code is null)
        {
            await stream.CopyToAsync(Stream.Null);
            Assert.Equal(size, stream.BytesRead);
            return;
        }
        var error = await Assert.ThrowsAsync<S3Exception>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal(code, error.Code.Code);
        if (code == "EntityTooLarge")
            Assert.True(stream.BytesRead <= max + 3, "refused as soon as the limit is passed");
    }
}
