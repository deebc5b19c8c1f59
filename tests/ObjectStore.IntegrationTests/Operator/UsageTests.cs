using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Operator;

/// <summary>
/// The "done when": <c>admin usage</c> agrees byte for byte with a full listing (versions,
/// delete markers, unfinished uploads and their parts) of a versioned bucket with two storage
/// classes, prices it from the class profiles, and flags the two classic leaks.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class UsageTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Admin_usage_matches_a_full_listing_of_versions_delete_markers_and_unfinished_uploads_byte_for_byte()
    {
        await using var host = await fixture.StartHostAsync(new LocalHostOptions
        {
            Background = false,
            Settings = new Dictionary<string, string?>
            {
                ["OBJECTSTORE_USAGE_STALE_UPLOAD_AGE"] = "00:00:01",
                ["OBJECTSTORE_USAGE_NONCURRENT_SHARE"] = "0.1",
                ["OBJECTSTORE_PRICES"] = "STANDARD=0.02,STANDARD_IA=0.01",
                ["OBJECTSTORE_COST_CURRENCY"] = "INR",
                ["OBJECTSTORE_COST_USD_RATE"] = "84.5",
            },
        });
        using var s3 = host.CreateS3Client();
        var bucket = UniqueNames.Bucket("usage");
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        async Task PutAsync(string key, int size, S3StorageClass? storageClass = null) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(new byte[size]), StorageClass = storageClass });
        await PutAsync("model/ckpt", 3000);
        await PutAsync("model/ckpt", 5000);      // the first is now noncurrent
        await PutAsync("model/ckpt", 7000);
        await PutAsync("data/a.bin", 11_000);
        await s3.DeleteObjectAsync(bucket, "data/a.bin"); // a delete marker over it
        await PutAsync("cold/b.bin", 13_000, S3StorageClass.StandardInfrequentAccess);
        await PutAsync("cold/b.bin", 17_000, S3StorageClass.StandardInfrequentAccess);
        await PutAsync("empty", 0);
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "big/unfinished.bin");
        for (var part = 1; part <= 2; part++)
            await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big/unfinished.bin", UploadId = upload.UploadId, PartNumber = part, InputStream = new MemoryStream(new byte[1000 * part + 1]) });
        var iaUpload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "cold/parts", StorageClass = S3StorageClass.StandardInfrequentAccess });
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "cold/parts", UploadId = iaUpload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[4321]) });
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the stale-upload age of this host

        var listing = await FullListingAsync(s3, bucket);
        var run = await AdminCli.RunJsonAsync(host, "usage", "run", "--bucket", bucket);
        var shown = await AdminCli.RunJsonAsync(host, "usage", bucket);

        Assert.Equal(run.GetProperty("buckets")[0].GetProperty("computedAt").GetString(), shown.GetProperty("buckets")[0].GetProperty("computedAt").GetString());
        var usage = Assert.Single(shown.GetProperty("buckets").EnumerateArray());
        Assert.Equal(bucket, usage.GetProperty("bucket").GetString());
        var classes = usage.GetProperty("classes").EnumerateArray().ToDictionary(c => c.GetProperty("storageClass").GetString()!);
        Assert.Equal(listing.Keys.Order(), classes.Keys.Order());
        foreach (var (storageClass, expected) in listing)
        {
            var c = classes[storageClass];
            Assert.Equal(expected, new ClassCounts(c.GetProperty("objects").GetInt64(), c.GetProperty("bytes").GetInt64(), c.GetProperty("noncurrentVersions").GetInt64(),
                c.GetProperty("noncurrentBytes").GetInt64(), c.GetProperty("uploads").GetInt64(), c.GetProperty("parts").GetInt64(), c.GetProperty("partBytes").GetInt64()));
            // Stored bytes carry the class's erasure overhead (by default STANDARD is 4+2, STANDARD_IA 8+4).
            var profile = c.GetProperty("profile").GetString()!.Split('+').Select(decimal.Parse).ToArray();
            Assert.Equal(storageClass == "STANDARD" ? "4+2" : "8+4", c.GetProperty("profile").GetString());
            var logical = expected.Bytes + expected.NoncurrentBytes + expected.PartBytes;
            Assert.Equal(logical, c.GetProperty("logicalBytes").GetInt64());
            Assert.Equal((long)Math.Ceiling(logical * (profile[0] + profile[1]) / profile[0]), c.GetProperty("storedBytes").GetInt64());
            var price = storageClass == "STANDARD" ? 0.02m : 0.01m;
            Assert.Equal(Math.Round(c.GetProperty("storedBytes").GetInt64() / (1024m * 1024 * 1024) * price * 84.5m, 6), c.GetProperty("monthlyCost").GetDecimal());
        }
        Assert.Equal(3, listing.Values.Sum(c => c.Objects)); // ckpt, b.bin, empty: data/a.bin is hidden by its marker
        Assert.Equal(1, usage.GetProperty("deleteMarkers").GetInt64());
        Assert.Equal("INR", usage.GetProperty("currency").GetString());
        var uploads = usage.GetProperty("uploads");
        Assert.Equal((2, 3, 1001 + 2001 + 4321L, 2), (uploads.GetProperty("count").GetInt64(), uploads.GetProperty("parts").GetInt64(), uploads.GetProperty("bytes").GetInt64(), uploads.GetProperty("stale").GetInt64()));
        var flags = usage.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Contains(flags, f => f.StartsWith("noncurrent versions are", StringComparison.Ordinal));
        Assert.Contains(flags, f => f.StartsWith("2 unfinished upload(s) older than", StringComparison.Ordinal));
        Assert.Contains(shown.GetProperty("report").EnumerateArray(), l => l.GetString()!.Contains($"Bucket '{bucket}'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Usage_of_a_bucket_that_does_not_exist_is_NoSuchBucket_and_a_new_bucket_is_listed_as_not_counted_yet()
    {
        using var s3 = fixture.Shared.CreateS3Client();
        var bucket = UniqueNames.Bucket("uncounted");
        await s3.PutBucketAsync(bucket);

        var missing = await AdminCli.RunAsync(fixture.Shared, "usage", bucket + "-gone");
        var all = await AdminCli.RunJsonAsync(fixture.Shared, "usage");

        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("NoSuchBucket", missing.StdErr, StringComparison.Ordinal);
        Assert.Contains(all.GetProperty("notYetCounted").EnumerateArray(), b => b.GetString() == bucket);
    }

    private sealed record ClassCounts(long Objects, long Bytes, long Noncurrent, long NoncurrentBytes, long Uploads, long Parts, long PartBytes);

    /// <summary>Per storage class, from ListObjectVersions, ListMultipartUploads and ListParts (every page).</summary>
    private static async Task<Dictionary<string, ClassCounts>> FullListingAsync(AmazonS3Client s3, string bucket)
    {
        var counts = new Dictionary<string, ClassCounts>(StringComparer.Ordinal);
        ClassCounts Of(string? storageClass)
        {
            var name = string.IsNullOrEmpty(storageClass) ? "STANDARD" : storageClass;
            return counts.TryGetValue(name, out var c) ? c : counts[name] = new ClassCounts(0, 0, 0, 0, 0, 0, 0);
        }
        void Set(string? storageClass, ClassCounts c) => counts[string.IsNullOrEmpty(storageClass) ? "STANDARD" : storageClass] = c;

        var request = new ListVersionsRequest { BucketName = bucket, MaxKeys = 2 };
        while (true)
        {
            var page = await s3.ListVersionsAsync(request);
            foreach (var v in page.Versions ?? [])
            {
                if (v.IsDeleteMarker == true) continue;
                var c = Of(v.StorageClass?.Value);
                Set(v.StorageClass?.Value, v.IsLatest == true
                    ? c with { Objects = c.Objects + 1, Bytes = c.Bytes + (v.Size ?? 0) }
                    : c with { Noncurrent = c.Noncurrent + 1, NoncurrentBytes = c.NoncurrentBytes + (v.Size ?? 0) });
            }
            if (page.IsTruncated != true) break;
            (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }

        var uploads = await s3.ListMultipartUploadsAsync(bucket);
        foreach (var u in uploads.MultipartUploads ?? [])
        {
            var parts = await s3.ListPartsAsync(bucket, u.Key, u.UploadId);
            var c = Of(u.StorageClass?.Value);
            Set(u.StorageClass?.Value, c with { Uploads = c.Uploads + 1, Parts = c.Parts + (parts.Parts?.Count ?? 0), PartBytes = c.PartBytes + (parts.Parts ?? []).Sum(p => p.Size ?? 0) });
        }
        return counts;
    }
}
