using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>AWSSDK.S3's Get/PutObjectAcl and Get/PutBucketAcl (canned and as an S3AccessControlList) and CannedACL on PutObject.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AwsSdkAclTests(LocalHostFixture host)
{
    [Fact]
    public async Task Object_and_bucket_acls_round_trip_canned_and_explicit_grants()
    {
        using var s3 = host.CreateS3Client();
        var bucket = ClientTestData.BucketName("sdkacl");
        await s3.PutBucketAsync(bucket);
        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.AuthenticatedRead });

        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.False(string.IsNullOrEmpty(acl.Owner.Id));
        Assert.Contains(acl.Grants, g => g.Grantee.URI == "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" && g.Permission == S3Permission.READ);
        Assert.Contains(acl.Grants, g => g.Grantee.CanonicalUser == acl.Owner.Id && g.Permission == S3Permission.FULL_CONTROL);

        var explicitAcl = new S3AccessControlList { Owner = acl.Owner, Grants = [] };
        explicitAcl.AddGrant(new S3Grantee { CanonicalUser = acl.Owner.Id }, S3Permission.FULL_CONTROL);
        explicitAcl.AddGrant(new S3Grantee { URI = "http://acs.amazonaws.com/groups/global/AllUsers" }, S3Permission.READ_ACP);
        var put = await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = explicitAcl });
        Assert.Equal(HttpStatusCode.OK, put.HttpStatusCode);
        var read = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal([("FULL_CONTROL", acl.Owner.Id), ("READ_ACP", "http://acs.amazonaws.com/groups/global/AllUsers")],
            read.Grants.Select(g => (g.Permission.Value, g.Grantee.CanonicalUser ?? g.Grantee.URI)).Order().ToArray());

        // READ_ACP to AllUsers lets anyone read the ACL, not the object.
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(host.Endpoint, $"{bucket}/k?acl"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(new Uri(host.Endpoint, $"{bucket}/k"))).StatusCode);

        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead });
        var bucketAcl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Contains(bucketAcl.Grants, g => g.Grantee.URI == "http://acs.amazonaws.com/groups/global/AllUsers" && g.Permission == S3Permission.READ);
    }
}
