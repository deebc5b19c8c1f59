using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Connections;

/// <summary>
/// A client that resets its connection in the middle of a body: the request is the client's abort
/// (logged as 499 "client closed request", never a 500) and nothing of the half-sent data is visible.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ClientAbortTests(LocalHostFixture host)
{
    private const int DeclaredLength = 4 << 20;

    private static async Task SendHalfThenResetAsync(Uri endpoint, string pathAndQuery)
    {
        var connection = await RawHttpConnection.OpenAsync(endpoint);
        await connection.SendAsync(RawHttpConnection.SignedHead(endpoint, "PUT", pathAndQuery,
            ("Content-Length", DeclaredLength.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await connection.SendAsync(new byte[DeclaredLength / 2]);
        await Task.Delay(300); // the handler is inside the body by now
        connection.Reset();
    }

    /// <summary>The completion line (event 1000, or 1005 for a request its client closed) of the PUT to <paramref name="path"/>, once logged.</summary>
    private async Task<CapturedLog> CompletionOfAsync(string path)
    {
        for (var waited = 0; waited < 100; waited++)
        {
            if (host.Shared.Log.Entries.FirstOrDefault(e => e.EventId.Id is 1000 or 1005 && (string?)e["Method"] == "PUT" && (string?)e["Path"] == path) is { } line)
                return line;
            await Task.Delay(100);
        }
        Assert.Fail($"No completion line for {path}.\n{host.Shared.Log.Dump()}");
        throw new InvalidOperationException();
    }

    private void AssertLoggedAsClientAbort(CapturedLog completion, string path)
    {
        Assert.Equal(499, completion["Status"]);
        Assert.Contains("client closed request", completion.Message, StringComparison.Ordinal);
        var serverErrors = host.Shared.Log.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning
            && e.Message.Contains(path, StringComparison.Ordinal)).ToArray();
        Assert.True(serverErrors.Length == 0, "logged as a server problem:\n" + string.Join('\n', serverErrors.Select(e => e.ToString())));
        Assert.DoesNotContain(host.Shared.Log.WithEventId(1004), e => (string?)e["RequestId"] == (string?)completion["RequestId"]);
    }

    [Fact]
    public async Task Put_reset_mid_body_is_logged_as_client_closed_request_and_leaves_no_object()
    {
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("abort");
        await s3.PutBucketAsync(bucket);
        var path = $"/{bucket}/half";

        await SendHalfThenResetAsync(host.Endpoint, path);

        AssertLoggedAsClientAbort(await CompletionOfAsync(path), path);
        var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, "half"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Upload_part_reset_mid_body_is_logged_as_client_closed_request_and_leaves_no_part()
    {
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("abort");
        await s3.PutBucketAsync(bucket);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "parts");
        var path = $"/{bucket}/parts";

        await SendHalfThenResetAsync(host.Endpoint, $"{path}?partNumber=1&uploadId={Uri.EscapeDataString(upload.UploadId)}");

        AssertLoggedAsClientAbort(await CompletionOfAsync(path), path);
        var parts = await s3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "parts", UploadId = upload.UploadId });
        Assert.Empty(parts.Parts ?? []);
    }
}
