using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Clients;

/// <summary>
/// The AWS CLI (high-level <c>aws s3</c> and <c>aws s3api</c>), end to end through the local host,
/// with a temporary config that sets multipart_threshold and multipart_chunksize to 8MB, so the
/// 100 MiB object goes up (and down) in parts. Run for the pip CLI v1 and Debian's v2 by the two subclasses.
/// </summary>
public abstract class AwsCliClientTests : IDisposable
{
    private readonly LocalHostFixture _host;
    private readonly ITestOutputHelper _output;
    private readonly ClientTestData _data = new();
    private readonly ClientEnvironment _env;
    private readonly string _bucket = ClientTestData.BucketName("cli");

    protected AwsCliClientTests(LocalHostFixture host, ITestOutputHelper output)
    {
        _host = host;
        _output = output;
        _env = new ClientEnvironment(host, _data.NewDirectory("aws"));
    }

    /// <summary>The aws executable under test, or a failure naming how to install it.</summary>
    protected abstract string Executable { get; }

    /// <summary>The version line `aws --version` must start with.</summary>
    protected abstract string ExpectedVersionPrefix { get; }

    public void Dispose() => _data.Dispose();

    private Task<ProcessResult> AwsAsync(params string[] args) =>
        ExternalProcess.RunCheckedAsync(Executable, ["--endpoint-url", _env.EndpointUrl, .. args], _env.Aws());

    private Task<ProcessResult> AwsMayFailAsync(params string[] args) =>
        ExternalProcess.RunAsync(Executable, ["--endpoint-url", _env.EndpointUrl, .. args], _env.Aws());

    private async Task<JsonElement> S3ApiAsync(params string[] args)
    {
        var result = await AwsAsync(["--output", "json", "s3api", .. args]);
        if (string.IsNullOrWhiteSpace(result.StdOut)) return default;
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    private async Task MakeBucketAsync()
    {
        var version = await ExternalProcess.RunCheckedAsync(Executable, ["--version"], _env.Aws());
        Assert.True((version.StdOut + version.StdErr).StartsWith(ExpectedVersionPrefix, StringComparison.Ordinal), version.ToString());
        await AwsAsync("s3", "mb", $"s3://{_bucket}");
    }

    private static string[] Keys(JsonElement listing) =>
        listing.ValueKind == JsonValueKind.Object && listing.TryGetProperty("Contents", out var c) ? c.EnumerateArray().Select(o => o.GetProperty("Key").GetString()!).ToArray() : [];

    private static string[] Prefixes(JsonElement listing) =>
        listing.ValueKind == JsonValueKind.Object && listing.TryGetProperty("CommonPrefixes", out var c) ? c.EnumerateArray().Select(o => o.GetProperty("Prefix").GetString()!).ToArray() : [];

    [Fact]
    public async Task Objects_of_0_1_5MiB_and_100MiB_read_back_byte_identical()
    {
        await MakeBucketAsync();
        foreach (var (name, size) in ClientTestData.Payloads)
        {
            var started = Stopwatch.GetTimestamp();
            var source = _data.Payload(name, size);
            var target = _data.NewFilePath(name);
            await AwsAsync("s3", "cp", source, $"s3://{_bucket}/sizes/{name}");
            await AwsAsync("s3", "cp", $"s3://{_bucket}/sizes/{name}", target);
            Assert.True(ClientTestData.Sha256(source) == ClientTestData.Sha256(target), $"{name} read back differs from what was written");
            _output.WriteLine($"{name}: up and down in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
            File.Delete(target);
        }
        // 100 MiB in 8 MiB parts: a multipart upload of 13 parts (its ETag says so).
        var head = await S3ApiAsync("head-object", "--bucket", _bucket, "--key", "sizes/hundred-mib.bin");
        Assert.EndsWith("-13\"", head.GetProperty("ETag").GetString(), StringComparison.Ordinal);
        var listing = await S3ApiAsync("list-objects-v2", "--bucket", _bucket, "--prefix", "sizes/");
        Assert.Equal(ClientTestData.Payloads.Select(p => $"sizes/{p.Name}={p.Size}").Order(StringComparer.Ordinal),
            listing.GetProperty("Contents").EnumerateArray().Select(o => $"{o.GetProperty("Key").GetString()}={o.GetProperty("Size").GetInt64()}"));
    }

    [Fact]
    public async Task Listing_without_delimiter_shows_every_key_and_with_delimiter_groups_common_prefixes()
    {
        await MakeBucketAsync();
        string[] keys = ["a.txt", "dir1/x", "dir1/y", "dir2/sub/z", "z.txt"];
        var local = _data.NewDirectory("tree");
        foreach (var key in keys)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(local, key))!);
            await File.WriteAllTextAsync(Path.Combine(local, key), key);
        }
        await AwsAsync("s3", "sync", local, $"s3://{_bucket}/");

        Assert.Equal(keys, Keys(await S3ApiAsync("list-objects-v2", "--bucket", _bucket)));
        Assert.Equal(keys, Keys(await S3ApiAsync("list-objects-v2", "--bucket", _bucket, "--page-size", "2")));
        Assert.Equal(keys, Keys(await S3ApiAsync("list-objects", "--bucket", _bucket, "--page-size", "2")));
        var grouped = await S3ApiAsync("list-objects-v2", "--bucket", _bucket, "--delimiter", "/");
        Assert.Equal(["a.txt", "z.txt"], Keys(grouped));
        Assert.Equal(["dir1/", "dir2/"], Prefixes(grouped));

        var ls = await AwsAsync("s3", "ls", $"s3://{_bucket}/");
        var lines = ls.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["PRE dir1/", "PRE dir2/", "a.txt", "z.txt"], lines.Select(l => l.StartsWith("PRE ", StringComparison.Ordinal) ? l : l.Split(' ')[^1]));
        var recursive = await AwsAsync("s3", "ls", "--recursive", $"s3://{_bucket}/");
        Assert.Equal(keys, recursive.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]));
    }

    [Fact]
    public async Task Copy_then_tag_then_delete_an_object()
    {
        await MakeBucketAsync();
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        await AwsAsync("s3", "cp", source, $"s3://{_bucket}/original");
        await AwsAsync("s3", "cp", $"s3://{_bucket}/original", $"s3://{_bucket}/copies/duplicate");
        var target = _data.NewFilePath("copy.bin");
        await AwsAsync("s3", "cp", $"s3://{_bucket}/copies/duplicate", target);
        Assert.Equal(ClientTestData.Sha256(source), ClientTestData.Sha256(target));

        await S3ApiAsync("put-object-tagging", "--bucket", _bucket, "--key", "copies/duplicate",
            "--tagging", """{"TagSet":[{"Key":"colour","Value":"blue"},{"Key":"size","Value":"5 MiB"}]}""");
        var tags = await S3ApiAsync("get-object-tagging", "--bucket", _bucket, "--key", "copies/duplicate");
        Assert.Equal(["colour=blue", "size=5 MiB"],
            tags.GetProperty("TagSet").EnumerateArray().Select(t => t.GetProperty("Key").GetString() + "=" + t.GetProperty("Value").GetString()).Order(StringComparer.Ordinal));

        await AwsAsync("s3", "rm", $"s3://{_bucket}/copies/duplicate");
        var head = await AwsMayFailAsync("s3api", "head-object", "--bucket", _bucket, "--key", "copies/duplicate");
        Assert.True(head.ExitCode != 0 && head.StdErr.Contains("404", StringComparison.Ordinal), head.ToString());
        Assert.Equal(["original"], Keys(await S3ApiAsync("list-objects-v2", "--bucket", _bucket)));
    }

    [Fact]
    public async Task Awkward_keys_sync_up_and_down_and_list_in_utf8_byte_order()
    {
        await MakeBucketAsync();
        var keys = AwkwardKeys.Printable;
        var local = _data.NewDirectory("awkward");
        foreach (var key in keys)
        {
            var path = Path.Combine(local, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, "body of " + key);
        }
        await AwsAsync("s3", "sync", local, $"s3://{_bucket}/");

        var expected = AwkwardKeys.InS3Order(keys);
        Assert.Equal(expected, Keys(await S3ApiAsync("list-objects-v2", "--bucket", _bucket, "--prefix", AwkwardKeys.Prefix, "--page-size", "3")));
        Assert.Equal(expected, Keys(await S3ApiAsync("list-objects", "--bucket", _bucket, "--prefix", AwkwardKeys.Prefix, "--page-size", "4")));
        var grouped = await S3ApiAsync("list-objects-v2", "--bucket", _bucket, "--prefix", AwkwardKeys.Prefix, "--delimiter", "/");
        Assert.Equal([AwkwardKeys.Prefix + "dir/"], Prefixes(grouped));
        Assert.Equal(AwkwardKeys.InS3Order(keys.Where(k => !k.StartsWith(AwkwardKeys.Prefix + "dir/", StringComparison.Ordinal))), Keys(grouped));

        var down = _data.NewDirectory("down");
        await AwsAsync("s3", "sync", $"s3://{_bucket}/", down);
        foreach (var key in keys)
            Assert.Equal("body of " + key, await File.ReadAllTextAsync(Path.Combine(down, key)));

        await S3ApiAsync("copy-object", "--bucket", _bucket, "--key", "copy/emoji-\U0001F600 #?%+",
            "--copy-source", $"{_bucket}/{AwkwardKeys.Prefix}question?mark"); // the CLI percent-encodes it (to bucket/awk/question%3Fmark)
        var copyTarget = _data.NewFilePath("copy");
        await S3ApiAsync("get-object", "--bucket", _bucket, "--key", "copy/emoji-\U0001F600 #?%+", copyTarget);
        Assert.Equal("body of " + AwkwardKeys.Prefix + "question?mark", await File.ReadAllTextAsync(copyTarget));

        var removed = await AwsAsync("s3", "rm", "--recursive", $"s3://{_bucket}/{AwkwardKeys.Prefix}");
        Assert.Equal(keys.Length, removed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("delete:", StringComparison.Ordinal)));
        Assert.Equal(["copy/emoji-\U0001F600 #?%+"], Keys(await S3ApiAsync("list-objects-v2", "--bucket", _bucket)));
    }

    [Fact]
    public async Task Range_conditional_get_head_metadata_presigned_url_and_delete_objects()
    {
        await MakeBucketAsync();
        var source = _data.Payload("five-mib.bin", 5 * ClientTestData.MiB);
        var put = await S3ApiAsync("put-object", "--bucket", _bucket, "--key", "obj", "--body", source,
            "--content-type", "text/x-test; charset=utf-8", "--metadata", """{"colour":"blue","owner-name":"Ada Lovelace"}""");
        var etag = put.GetProperty("ETag").GetString()!;

        var rangeFile = _data.NewFilePath("range");
        var ranged = await S3ApiAsync("get-object", "--bucket", _bucket, "--key", "obj", "--range", $"bytes={3 * ClientTestData.MiB - 10}-{3 * ClientTestData.MiB + 989}", rangeFile);
        Assert.Equal($"bytes {3 * ClientTestData.MiB - 10}-{3 * ClientTestData.MiB + 989}/{5 * ClientTestData.MiB}", ranged.GetProperty("ContentRange").GetString());
        var expected = new byte[1000];
        await using (var file = File.OpenRead(source))
        {
            file.Position = 3 * ClientTestData.MiB - 10;
            await file.ReadExactlyAsync(expected);
        }
        Assert.Equal(expected, await File.ReadAllBytesAsync(rangeFile));

        var notModified = await AwsMayFailAsync("s3api", "get-object", "--bucket", _bucket, "--key", "obj", "--if-none-match", etag, _data.NewFilePath("nm"));
        Assert.True(notModified.ExitCode != 0 && notModified.StdErr.Contains("304", StringComparison.Ordinal), notModified.ToString());
        var failed = await AwsMayFailAsync("s3api", "get-object", "--bucket", _bucket, "--key", "obj", "--if-match", "\"0123456789abcdef0123456789abcdef\"", _data.NewFilePath("pf"));
        Assert.True(failed.ExitCode != 0 && failed.StdErr.Contains("PreconditionFailed", StringComparison.Ordinal), failed.ToString());

        var head = await S3ApiAsync("head-object", "--bucket", _bucket, "--key", "obj");
        Assert.Equal("text/x-test; charset=utf-8", head.GetProperty("ContentType").GetString());
        Assert.Equal(5 * ClientTestData.MiB, head.GetProperty("ContentLength").GetInt64());
        Assert.Equal(etag, head.GetProperty("ETag").GetString());
        Assert.Equal(["colour=blue", "owner-name=Ada Lovelace"],
            head.GetProperty("Metadata").EnumerateObject().Select(p => p.Name + "=" + p.Value.GetString()).Order(StringComparer.Ordinal));

        await S3ApiAsync("put-object", "--bucket", _bucket, "--key", "presigned/a key+plus&amp \U0001F600", "--body", _data.Payload("one-byte.bin", 1));
        // CLI v1 presigns with SigV2 unless the profile says s3v4 (SignatureV2Tests covers V2); this one checks a SigV4 URL.
        var presign = await ExternalProcess.RunCheckedAsync(Executable,
            ["--endpoint-url", _env.EndpointUrl, "s3", "presign", $"s3://{_bucket}/presigned/a key+plus&amp \U0001F600", "--expires-in", "300"],
            _env.Aws(presignWithSigV4: true));
        var url = presign.StdOut.Trim();
        using (var http = new HttpClient())
        using (var response = await http.GetAsync(url))
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} → {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
            Assert.Equal(await File.ReadAllBytesAsync(_data.Payload("one-byte.bin", 1)), body);
        }

        foreach (var key in new[] { "d/1", "d/2", "d/3" })
            await S3ApiAsync("put-object", "--bucket", _bucket, "--key", key, "--body", _data.Payload("one-byte.bin", 1));
        var deleted = await S3ApiAsync("delete-objects", "--bucket", _bucket, "--delete",
            """{"Objects":[{"Key":"d/1"},{"Key":"d/2"},{"Key":"d/3"},{"Key":"never-existed"}]}""");
        Assert.Equal(["d/1", "d/2", "d/3", "never-existed"],
            deleted.GetProperty("Deleted").EnumerateArray().Select(d => d.GetProperty("Key").GetString()!).Order(StringComparer.Ordinal));
        Assert.False(deleted.TryGetProperty("Errors", out var errors) && errors.GetArrayLength() > 0, deleted.ToString());
        Assert.Equal(["obj", "presigned/a key+plus&amp \U0001F600"], Keys(await S3ApiAsync("list-objects-v2", "--bucket", _bucket)));
    }
}

/// <summary>The pip AWS CLI v1 (first `aws` on PATH), which sends plain bodies with x-amz-checksum-crc32.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsCliV1ClientTests(LocalHostFixture host, ITestOutputHelper output) : AwsCliClientTests(host, output)
{
    protected override string Executable => ExternalProcess.Require("aws", "The pip AWS CLI v1 must be first on PATH (pip install awscli).");
    protected override string ExpectedVersionPrefix => "aws-cli/1.";
}

/// <summary>Debian's AWS CLI v2 (/usr/bin/aws, package awscli), which sends Content-MD5 and no flexible checksums.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsCliV2ClientTests(LocalHostFixture host, ITestOutputHelper output) : AwsCliClientTests(host, output)
{
    protected override string Executable => ExternalProcess.Require("/usr/bin/aws", "Install Debian's AWS CLI v2: apt-get install -y awscli.");
    protected override string ExpectedVersionPrefix => "aws-cli/2.";
}
