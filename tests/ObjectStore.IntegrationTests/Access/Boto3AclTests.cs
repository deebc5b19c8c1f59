using System.Text.Json;
using ObjectStore.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>
/// ACLs and Object Ownership through boto3 1.43: canned ACLs and grants on writes and on ?acl, anonymous
/// reads they allow, the public access block and BucketOwnerEnforced refusing them, owners in listings.
/// Anonymous requests are plain urllib requests (no signature).
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class Boto3AclTests(LocalHostFixture host, ITestOutputHelper output) : IDisposable
{
    private readonly ClientTestData _data = new();

    public void Dispose() => _data.Dispose();

    private const string Prelude = """
        import urllib.request, urllib.error

        def error_of(call):
            try:
                call()
            except ClientError as e:
                return {"code": e.response["Error"].get("Code"), "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
            return None

        def anonymous(path, method="GET", data=None):
            request = urllib.request.Request(args["endpoint"] + path, method=method, data=data)
            try:
                with urllib.request.urlopen(request) as r:
                    return r.status
            except urllib.error.HTTPError as e:
                return e.code

        def grants(acl):
            return sorted([g["Grantee"]["Type"], g["Grantee"].get("URI") or g["Grantee"].get("ID"), g["Permission"]] for g in acl["Grants"])

        s3.create_bucket(Bucket=bucket)

        """;

    private async Task<JsonElement> RunAsync(string body)
    {
        var args = new Dictionary<string, object?> { ["bucket"] = ClientTestData.BucketName("acl") };
        var (result, elapsed) = await Boto3Script.RunAsync(host, _data, Prelude + body, args);
        output.WriteLine($"python3 script: {elapsed.TotalSeconds:F1} s\n{result}");
        return result;
    }

    /// <summary>A string as it is, anything else as compact JSON (null, true, 200, [..], {..}).</summary>
    private static string Text(JsonElement e, string name)
    {
        var value = e.GetProperty(name);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : JsonSerializer.Serialize(value);
    }

    [Fact]
    public async Task A_public_read_object_is_readable_anonymously_and_a_private_one_is_not()
    {
        var r = await RunAsync("""
            s3.delete_public_access_block(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="open.txt", Body=b"hello", ACL="public-read")
            s3.put_object(Bucket=bucket, Key="closed.txt", Body=b"secret")
            out["open"] = anonymous(f"/{bucket}/open.txt")
            out["closed"] = anonymous(f"/{bucket}/closed.txt")
            out["anonymous_put"] = anonymous(f"/{bucket}/new.txt", "PUT", b"x")
            out["open_acl"] = grants(s3.get_object_acl(Bucket=bucket, Key="open.txt"))
            acl = s3.get_object_acl(Bucket=bucket, Key="closed.txt")
            out["closed_acl"] = grants(acl)
            out["owner"] = acl["Owner"]["ID"]
            s3.put_object_acl(Bucket=bucket, Key="closed.txt", ACL="public-read")
            out["opened"] = anonymous(f"/{bucket}/closed.txt")
            s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
            out["ignored"] = anonymous(f"/{bucket}/open.txt")
            """);

        Assert.Equal("200", Text(r, "open"));
        Assert.Equal("403", Text(r, "closed"));
        Assert.Equal("403", Text(r, "anonymous_put"));
        var owner = Text(r, "owner");
        Assert.Equal($"""[["CanonicalUser","{owner}","FULL_CONTROL"],["Group","http://acs.amazonaws.com/groups/global/AllUsers","READ"]]""", Text(r, "open_acl"));
        Assert.Equal($"""[["CanonicalUser","{owner}","FULL_CONTROL"]]""", Text(r, "closed_acl"));
        Assert.Equal("200", Text(r, "opened"));
        Assert.Equal("403", Text(r, "ignored"));
    }

    [Fact]
    public async Task Invalid_canned_acls_unknown_grantees_and_email_grantees_are_refused_as_S3_refuses_them()
    {
        var r = await RunAsync("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            out["bogus"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k2", Body=b"x", ACL="totally-bogus"))
            out["bogus_acl"] = error_of(lambda: s3.put_object_acl(Bucket=bucket, Key="k", ACL="totally-bogus"))
            out["unknown_id"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k3", Body=b"x", GrantRead='id="0123456789abcdef"'))
            out["email_header"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k4", Body=b"x", GrantRead='emailAddress="a@example.com"'))
            out["both"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k5", Body=b"x", ACL="private", GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"'))
            owner = s3.get_object_acl(Bucket=bucket, Key="k")["Owner"]
            out["email_body"] = error_of(lambda: s3.put_object_acl(Bucket=bucket, Key="k", AccessControlPolicy={"Owner": owner,
                "Grants": [{"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "a@example.com"}, "Permission": "READ"}]}))
            out["missing"] = [k for k in ["k2", "k3", "k4", "k5"] if error_of(lambda: s3.head_object(Bucket=bucket, Key=k)) is None]
            """);

        Assert.Equal("""{"code":"InvalidArgument","status":400}""", Text(r, "bogus"));
        Assert.Equal("""{"code":"InvalidArgument","status":400}""", Text(r, "bogus_acl"));
        Assert.Equal("""{"code":"InvalidArgument","status":400}""", Text(r, "unknown_id"));
        Assert.Equal("""{"code":"UnresolvableGrantByEmailAddress","status":400}""", Text(r, "email_header"));
        Assert.Equal("""{"code":"InvalidRequest","status":400}""", Text(r, "both"));
        Assert.Equal("""{"code":"UnresolvableGrantByEmailAddress","status":400}""", Text(r, "email_body"));
        Assert.Equal("[]", Text(r, "missing"));
    }

    [Fact]
    public async Task A_bucket_acl_put_as_an_AccessControlPolicy_lets_anyone_list_and_makes_the_policy_status_public()
    {
        var r = await RunAsync("""
            s3.delete_public_access_block(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="a.txt", Body=b"x")
            out["before"] = anonymous(f"/{bucket}?list-type=2")
            owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
            s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}]})
            out["acl"] = grants(s3.get_bucket_acl(Bucket=bucket))
            out["after"] = anonymous(f"/{bucket}?list-type=2")
            out["object_still_private"] = anonymous(f"/{bucket}/a.txt")
            out["no_policy"] = error_of(lambda: s3.get_bucket_policy_status(Bucket=bucket))
            s3.put_bucket_policy(Bucket=bucket, Policy='{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::%s"}]}' % bucket)
            out["status"] = s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"]
            out["denied"] = anonymous(f"/{bucket}?list-type=2")
            s3.put_bucket_acl(Bucket=bucket, ACL="private")
            out["reset"] = grants(s3.get_bucket_acl(Bucket=bucket))
            out["malformed"] = error_of(lambda: s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy={"Owner": owner, "Grants": [
                {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "EVERYTHING"}]}))
            """);

        Assert.Equal("403", Text(r, "before"));
        Assert.Contains("AllUsers\",\"READ\"", Text(r, "acl"));
        Assert.Equal("200", Text(r, "after"));
        Assert.Equal("403", Text(r, "object_still_private"));
        Assert.Equal("""{"code":"NoSuchBucketPolicy","status":404}""", Text(r, "no_policy"));
        Assert.Equal("true", Text(r, "status"));
        Assert.Equal("403", Text(r, "denied")); // an explicit Deny in the bucket policy wins over the ACL grant
        Assert.DoesNotContain("AllUsers", Text(r, "reset"));
        Assert.Equal("""{"code":"MalformedACLError","status":400}""", Text(r, "malformed"));
    }

    [Fact]
    public async Task BlockPublicAcls_refuses_public_canned_acls_and_grants_with_AccessDenied()
    {
        var r = await RunAsync("""
            # A new bucket starts with the public access block all on (OBJECTSTORE_PUBLIC_ACCESS_BLOCK=new-buckets).
            out["put"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read"))
            out["grant"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", GrantRead='uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"'))
            out["bucket"] = error_of(lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write"))
            out["mpu"] = error_of(lambda: s3.create_multipart_upload(Bucket=bucket, Key="m", ACL="public-read"))
            out["private"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="private"))
            out["owner_full_control"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="bucket-owner-full-control"))
            """);

        const string denied = """{"code":"AccessDenied","status":403}""";
        Assert.Equal(denied, Text(r, "put"));
        Assert.Equal(denied, Text(r, "grant"));
        Assert.Equal(denied, Text(r, "bucket"));
        Assert.Equal(denied, Text(r, "mpu"));
        Assert.Equal("null", Text(r, "private"));
        Assert.Equal("null", Text(r, "owner_full_control"));
    }

    [Fact]
    public async Task Ownership_controls_round_trip_and_BucketOwnerEnforced_refuses_acls()
    {
        var r = await RunAsync("""
            out["default"] = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
            s3.delete_public_access_block(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
            out["enforced"] = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
            out["public_put"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="p", Body=b"x", ACL="public-read"))
            out["full_control_put"] = error_of(lambda: s3.put_object(Bucket=bucket, Key="f", Body=b"x", ACL="bucket-owner-full-control"))
            out["put_object_acl"] = error_of(lambda: s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read"))
            out["put_bucket_acl"] = error_of(lambda: s3.put_bucket_acl(Bucket=bucket, ACL="authenticated-read"))
            out["read_acl"] = len(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"])
            s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
            s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
            out["enforce_over_public_acl"] = error_of(lambda: s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}))
            s3.delete_bucket_ownership_controls(Bucket=bucket)
            out["deleted"] = error_of(lambda: s3.get_bucket_ownership_controls(Bucket=bucket))
            b2 = bucket + "-enf"
            out["create_enforced_public"] = error_of(lambda: s3.create_bucket(Bucket=b2, ACL="public-read", ObjectOwnership="BucketOwnerEnforced"))
            """);

        Assert.Equal("ObjectWriter", Text(r, "default"));
        Assert.Equal("BucketOwnerEnforced", Text(r, "enforced"));
        const string notSupported = """{"code":"AccessControlListNotSupported","status":400}""";
        Assert.Equal(notSupported, Text(r, "public_put"));
        Assert.Equal("null", Text(r, "full_control_put"));
        Assert.Equal(notSupported, Text(r, "put_object_acl"));
        Assert.Equal(notSupported, Text(r, "put_bucket_acl"));
        Assert.Equal("1", Text(r, "read_acl"));
        Assert.Equal("""{"code":"InvalidBucketAclWithObjectOwnership","status":400}""", Text(r, "enforce_over_public_acl"));
        Assert.Equal("""{"code":"OwnershipControlsNotFoundError","status":404}""", Text(r, "deleted"));
        Assert.Equal("""{"code":"InvalidBucketAclWithObjectOwnership","status":400}""", Text(r, "create_enforced_public"));
    }

    [Fact]
    public async Task Owners_are_listed_with_fetch_owner_in_V1_and_in_version_listings()
    {
        var r = await RunAsync("""
            s3.put_object(Bucket=bucket, Key="k", Body=b"x")
            owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
            out["owner"] = [owner["ID"], owner.get("DisplayName")]
            out["v2"] = "Owner" in s3.list_objects_v2(Bucket=bucket)["Contents"][0]
            out["v2_fetch"] = s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"]["ID"]
            out["v1"] = s3.list_objects(Bucket=bucket)["Contents"][0]["Owner"]["ID"]
            out["versions"] = s3.list_object_versions(Bucket=bucket)["Versions"][0]["Owner"]["ID"]
            """);

        var owner = r.GetProperty("owner")[0].GetString();
        Assert.False(string.IsNullOrEmpty(owner));
        Assert.False(string.IsNullOrEmpty(r.GetProperty("owner")[1].GetString()));
        Assert.Equal("false", Text(r, "v2"));
        Assert.Equal(owner, Text(r, "v2_fetch"));
        Assert.Equal(owner, Text(r, "v1"));
        Assert.Equal(owner, Text(r, "versions"));
    }

    [Fact]
    public async Task Acls_apply_per_version_and_to_copies_and_completed_multipart_uploads()
    {
        var r = await RunAsync("""
            s3.delete_public_access_block(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one")["VersionId"]
            v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two")["VersionId"]
            s3.put_object_acl(Bucket=bucket, Key="k", VersionId=v1, ACL="public-read")
            out["v1_acl"] = len(s3.get_object_acl(Bucket=bucket, Key="k", VersionId=v1)["Grants"])
            out["latest_acl"] = len(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"])
            out["v1_anonymous"] = anonymous(f"/{bucket}/k?versionId={v1}")
            out["latest_anonymous"] = anonymous(f"/{bucket}/k")
            s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k", "VersionId": v1})
            out["copy_not_inherited"] = anonymous(f"/{bucket}/copy")
            s3.copy_object(Bucket=bucket, Key="copy-public", CopySource={"Bucket": bucket, "Key": "k"}, ACL="public-read")
            out["copy_public"] = anonymous(f"/{bucket}/copy-public")
            mpu = s3.create_multipart_upload(Bucket=bucket, Key="big", ACL="public-read")
            part = s3.upload_part(Bucket=bucket, Key="big", UploadId=mpu["UploadId"], PartNumber=1, Body=b"p" * 100)
            out["before_completion"] = anonymous(f"/{bucket}/big")
            s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=mpu["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
            out["multipart"] = anonymous(f"/{bucket}/big")
            """);

        Assert.Equal("2", Text(r, "v1_acl"));
        Assert.Equal("1", Text(r, "latest_acl"));
        Assert.Equal("200", Text(r, "v1_anonymous"));
        Assert.Equal("403", Text(r, "latest_anonymous"));
        Assert.Equal("403", Text(r, "copy_not_inherited"));
        Assert.Equal("200", Text(r, "copy_public"));
        Assert.Equal("403", Text(r, "before_completion"));
        Assert.Equal("200", Text(r, "multipart"));
    }

    [Fact]
    public async Task A_browser_upload_with_a_public_read_acl_field_is_readable_anonymously()
    {
        var r = await RunAsync("""
            import requests
            s3.delete_public_access_block(Bucket=bucket)
            def post(key, acl):
                form = s3.generate_presigned_post(Bucket=bucket, Key=key, Fields={"acl": acl}, Conditions=[{"acl": acl}])
                response = requests.post(form["url"], data=form["fields"], files={"file": ("f.txt", b"posted")})
                return response.status_code
            out["public"] = post("posted-public.txt", "public-read")
            out["public_anonymous"] = anonymous(f"/{bucket}/posted-public.txt")
            out["private"] = post("posted-private.txt", "private")
            out["private_anonymous"] = anonymous(f"/{bucket}/posted-private.txt")
            out["bogus"] = post("posted-bogus.txt", "totally-bogus")
            """);

        Assert.Equal("204", Text(r, "public"));
        Assert.Equal("200", Text(r, "public_anonymous"));
        Assert.Equal("204", Text(r, "private"));
        Assert.Equal("403", Text(r, "private_anonymous"));
        Assert.Equal("400", Text(r, "bogus"));
    }
}
