namespace ObjectStore.Load;

internal sealed partial class ScenarioRunner
{
    private const long PartSize = 16L * 1024 * 1024;

    /// <summary>
    /// Multipart uploads one after another, each of --multipart-mib MiB in 16 MiB parts sent
    /// --multipart-clients at a time (as the AWS CLI and boto3's transfer manager do), then completed.
    /// </summary>
    private async Task MultipartAsync()
    {
        var bucket = $"load-multipart-{runId}";
        await client.CreateBucketAsync(bucket);
        var size = options.MultipartMiB * 1024L * 1024;
        var parts = (int)((size + PartSize - 1) / PartSize);
        await StartMeasuringAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var o = 0; o < options.MultipartObjects; o++)
        {
            var key = $"multipart/{o}";
            var uploadId = await client.CreateMultipartAsync(bucket, key);
            var etags = new string[parts];
            await TimeAsync(options.MultipartClients, parts, async p =>
            {
                var length = Math.Min(PartSize, size - p * PartSize);
                etags[p] = await client.UploadPartAsync(bucket, key, uploadId, p + 1, GeneratedContent.Of(length, (byte)(o * 31 + p)));
            });
            await client.CompleteMultipartAsync(bucket, key, uploadId, etags);
        }
        var elapsed = watch.Elapsed;
        Row($"{options.MultipartMiB} MiB multipart ({options.MultipartObjects} objects, 16 MiB parts, concurrency {options.MultipartClients})",
            $"{options.MultipartObjects * size / elapsed.TotalSeconds / 1e6:F0} MB/s", options.MultipartObjects, $"{options.MultipartMiB} MiB");
    }
}
