using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Versioning;

/// <summary>
/// DeleteObjects naming a key's delete marker and all its versions in one request, as a "purge every
/// version" script does (boto3 list_object_versions then delete_objects): every entry is Deleted.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class DeleteObjectsVersionsTests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Delete_objects_with_a_keys_marker_and_every_version_deletes_them_all_without_errors()
    {
        const string script = """
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            for key in ["ckpt/latest.pt", "ckpt/best.pt"]:
                for i in range(10):
                    s3.put_object(Bucket=bucket, Key=key, Body=f"{key} {i}".encode())
                s3.delete_object(Bucket=bucket, Key=key)
            listed = s3.list_object_versions(Bucket=bucket)
            entries = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed.get("Versions", []) + listed.get("DeleteMarkers", [])]
            result = s3.delete_objects(Bucket=bucket, Delete={"Objects": entries})
            out["asked"] = len(entries)
            out["deleted"] = len(result.get("Deleted", []))
            out["errors"] = result.get("Errors", [])
            after = s3.list_object_versions(Bucket=bucket)
            out["left"] = len(after.get("Versions", [])) + len(after.get("DeleteMarkers", []))
            """;

        var (outcome, _) = await Boto3Script.RunAsync(host, _data, script, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("purge") });

        Assert.Equal(22, outcome.GetProperty("asked").GetInt32());
        Assert.Equal(0, outcome.GetProperty("errors").GetArrayLength());
        Assert.Equal(22, outcome.GetProperty("deleted").GetInt32());
        Assert.Equal(0, outcome.GetProperty("left").GetInt32());
    }
}
