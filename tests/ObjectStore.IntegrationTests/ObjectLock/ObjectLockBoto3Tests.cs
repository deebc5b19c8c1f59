using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.ObjectLock;

/// <summary>
/// Object Lock through boto3: a bucket created with Object Lock and a default COMPLIANCE retention applies it
/// to every new version (single and multipart), refuses deletes by version id and through DeleteObjects, and
/// answers S3's errors for what a lock bucket (or a bucket without Object Lock) does not allow.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ObjectLockBoto3Tests(LocalHostFixture host) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    /// <summary>Python: code(call) is "OK" or the error's code and HTTP status, e.g. "InvalidRequest 400".</summary>
    private const string Code = """
        def code(call):
            try:
                call()
                return "OK"
            except ClientError as e:
                return e.response["Error"]["Code"] + " " + str(e.response["ResponseMetadata"]["HTTPStatusCode"])

        """;

    [Fact]
    public async Task A_default_compliance_retention_applies_to_new_versions_and_refuses_their_deletion()
    {
        const string script = Code + """
            import datetime

            s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
            out["versioning"] = s3.get_bucket_versioning(Bucket=bucket).get("Status")
            out["no_rule"] = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
            s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
            out["config"] = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]

            put = s3.put_object(Bucket=bucket, Key="models/prod.pt", Body=b"weights")
            head = s3.head_object(Bucket=bucket, Key="models/prod.pt")
            out["mode"] = head.get("ObjectLockMode")
            left = head["ObjectLockRetainUntilDate"] - datetime.datetime.now(datetime.timezone.utc)
            out["hours_left"] = round(left.total_seconds() / 3600)
            out["retention"] = s3.get_object_retention(Bucket=bucket, Key="models/prod.pt", VersionId=put["VersionId"])["Retention"]["Mode"]
            mpu = s3.create_multipart_upload(Bucket=bucket, Key="models/big.pt")
            part = s3.upload_part(Bucket=bucket, Key="models/big.pt", UploadId=mpu["UploadId"], PartNumber=1, Body=b"x" * 1024)
            done = s3.complete_multipart_upload(Bucket=bucket, Key="models/big.pt", UploadId=mpu["UploadId"],
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
            out["multipart_mode"] = s3.head_object(Bucket=bucket, Key="models/big.pt").get("ObjectLockMode")

            out["delete_version"] = code(lambda: s3.delete_object(Bucket=bucket, Key="models/prod.pt", VersionId=put["VersionId"], BypassGovernanceRetention=True))
            batch = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "models/prod.pt", "VersionId": put["VersionId"]},
                                                                          {"Key": "models/big.pt", "VersionId": done["VersionId"]}]})
            out["batch_errors"] = sorted(e["Code"] for e in batch.get("Errors", []))
            out["marker"] = s3.delete_object(Bucket=bucket, Key="models/prod.pt").get("DeleteMarker")
            out["suspend"] = code(lambda: s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}))
            out["delete_bucket"] = code(lambda: s3.delete_bucket(Bucket=bucket))
            out["both_periods"] = code(lambda: s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1, "Years": 1}}}))
            out["zero_days"] = code(lambda: s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}}))
            out["past_date"] = code(lambda: s3.put_object(Bucket=bucket, Key="x", Body=b"x", ObjectLockMode="GOVERNANCE",
                ObjectLockRetainUntilDate=datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)))

            plain = bucket + "-plain"
            s3.create_bucket(Bucket=plain)
            out["plain_config"] = code(lambda: s3.get_object_lock_configuration(Bucket=plain))
            out["plain_enable"] = code(lambda: s3.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}))
            out["plain_put"] = code(lambda: s3.put_object(Bucket=plain, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON"))
            out["plain_retention"] = code(lambda: s3.get_object_retention(Bucket=plain, Key="k"))
            s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
            out["plain_enable_versioned"] = code(lambda: s3.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"}))
            s3.delete_bucket(Bucket=plain)
            """;

        var (r, _) = await Boto3Script.RunAsync(host, _data, script, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("lock") });

        Assert.Equal("Enabled", r.GetProperty("versioning").GetString());
        Assert.Equal("""{"ObjectLockEnabled": "Enabled"}""", r.GetProperty("no_rule").GetRawText());
        Assert.Equal("""{"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}}""", r.GetProperty("config").GetRawText());
        Assert.Equal(("COMPLIANCE", 24, "COMPLIANCE", "COMPLIANCE"),
            (r.GetProperty("mode").GetString(), r.GetProperty("hours_left").GetInt32(), r.GetProperty("retention").GetString(), r.GetProperty("multipart_mode").GetString()));
        Assert.Equal("AccessDenied 403", r.GetProperty("delete_version").GetString());
        Assert.Equal("""["AccessDenied", "AccessDenied"]""", r.GetProperty("batch_errors").GetRawText());
        Assert.True(r.GetProperty("marker").GetBoolean());
        Assert.Equal("InvalidBucketState 409", r.GetProperty("suspend").GetString());
        Assert.Equal("BucketNotEmpty 409", r.GetProperty("delete_bucket").GetString());
        Assert.Equal("MalformedXML 400", r.GetProperty("both_periods").GetString());
        Assert.Equal("InvalidArgument 400", r.GetProperty("zero_days").GetString());
        Assert.Equal("InvalidArgument 400", r.GetProperty("past_date").GetString());
        Assert.Equal("ObjectLockConfigurationNotFoundError 404", r.GetProperty("plain_config").GetString());
        Assert.Equal("InvalidBucketState 409", r.GetProperty("plain_enable").GetString());
        Assert.Equal("InvalidRequest 400", r.GetProperty("plain_put").GetString());
        Assert.Equal("InvalidRequest 400", r.GetProperty("plain_retention").GetString());
        Assert.Equal("OK", r.GetProperty("plain_enable_versioned").GetString());
    }

    [Fact]
    public async Task A_legal_hold_never_set_is_NoSuchObjectLockConfiguration_and_once_lifted_reads_OFF()
    {
        const string script = Code + """
            def hold(status):
                s3.put_object_legal_hold(Bucket=bucket, Key="k", VersionId=version, LegalHold={"Status": status})
                return [s3.get_object_legal_hold(Bucket=bucket, Key="k", VersionId=version)["LegalHold"]["Status"],
                        s3.head_object(Bucket=bucket, Key="k", VersionId=version).get("ObjectLockLegalHoldStatus")]

            s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
            version = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
            out["never"] = code(lambda: s3.get_object_legal_hold(Bucket=bucket, Key="k", VersionId=version))
            out["never_head"] = s3.head_object(Bucket=bucket, Key="k", VersionId=version).get("ObjectLockLegalHoldStatus")
            out["on"] = hold("ON")
            out["delete_held"] = code(lambda: s3.delete_object(Bucket=bucket, Key="k", VersionId=version))
            out["off"] = hold("OFF")
            out["delete_lifted"] = code(lambda: s3.delete_object(Bucket=bucket, Key="k", VersionId=version))
            """;

        var (r, _) = await Boto3Script.RunAsync(host, _data, script, new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("hold") });

        Assert.Equal("NoSuchObjectLockConfiguration 404", r.GetProperty("never").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, r.GetProperty("never_head").ValueKind);
        Assert.Equal("""["ON", "ON"]""", r.GetProperty("on").GetRawText());
        Assert.Equal("AccessDenied 403", r.GetProperty("delete_held").GetString());
        Assert.Equal("""["OFF", "OFF"]""", r.GetProperty("off").GetRawText());
        Assert.Equal("OK", r.GetProperty("delete_lifted").GetString());
    }
}
