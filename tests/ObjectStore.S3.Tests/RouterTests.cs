using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests;

public sealed class RouterTests
{
    private static S3Route Route(string method, string? bucket, string? key, string query = "", bool copySource = false)
    {
        var q = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            q[eq < 0 ? part : part[..eq]] = eq < 0 ? "" : part[(eq + 1)..];
        }
        return S3Router.Route(new S3RouteRequest(method, bucket, key, q, copySource));
    }

    [Theory]
    // Service
    [InlineData("GET", null, null, "", false, S3Operation.ListBuckets)]
    // Bucket
    [InlineData("PUT", "b", null, "", false, S3Operation.CreateBucket)]
    [InlineData("DELETE", "b", null, "", false, S3Operation.DeleteBucket)]
    [InlineData("HEAD", "b", null, "", false, S3Operation.HeadBucket)]
    [InlineData("GET", "b", null, "location", false, S3Operation.GetBucketLocation)]
    [InlineData("GET", "b", null, "tagging", false, S3Operation.GetBucketTagging)]
    [InlineData("PUT", "b", null, "tagging", false, S3Operation.PutBucketTagging)]
    [InlineData("DELETE", "b", null, "tagging", false, S3Operation.DeleteBucketTagging)]
    [InlineData("GET", "b", null, "versioning", false, S3Operation.GetBucketVersioning)]
    [InlineData("PUT", "b", null, "versioning", false, S3Operation.PutBucketVersioning)]
    [InlineData("GET", "b", null, "", false, S3Operation.ListObjects)]
    [InlineData("GET", "b", null, "prefix=a&delimiter=/", false, S3Operation.ListObjects)]
    [InlineData("GET", "b", null, "list-type=2", false, S3Operation.ListObjectsV2)]
    [InlineData("GET", "b", null, "list-type=2&prefix=x&continuation-token=abc", false, S3Operation.ListObjectsV2)]
    [InlineData("GET", "b", null, "list-type=1", false, S3Operation.ListObjects)]
    [InlineData("GET", "b", null, "versions", false, S3Operation.ListObjectVersions)]
    [InlineData("GET", "b", null, "policy", false, S3Operation.GetBucketPolicy)]
    [InlineData("PUT", "b", null, "policy", false, S3Operation.PutBucketPolicy)]
    [InlineData("DELETE", "b", null, "policy", false, S3Operation.DeleteBucketPolicy)]
    [InlineData("GET", "b", null, "policyStatus", false, S3Operation.GetBucketPolicyStatus)]
    [InlineData("GET", "b", null, "lifecycle", false, S3Operation.GetBucketLifecycleConfiguration)]
    [InlineData("PUT", "b", null, "lifecycle", false, S3Operation.PutBucketLifecycleConfiguration)]
    [InlineData("DELETE", "b", null, "lifecycle", false, S3Operation.DeleteBucketLifecycle)]
    [InlineData("GET", "b", null, "notification", false, S3Operation.GetBucketNotificationConfiguration)]
    [InlineData("PUT", "b", null, "notification", false, S3Operation.PutBucketNotificationConfiguration)]
    [InlineData("GET", "b", null, "cors", false, S3Operation.GetBucketCors)]
    [InlineData("PUT", "b", null, "cors", false, S3Operation.PutBucketCors)]
    [InlineData("DELETE", "b", null, "cors", false, S3Operation.DeleteBucketCors)]
    [InlineData("GET", "b", null, "encryption", false, S3Operation.GetBucketEncryption)]
    [InlineData("PUT", "b", null, "encryption", false, S3Operation.PutBucketEncryption)]
    [InlineData("DELETE", "b", null, "encryption", false, S3Operation.DeleteBucketEncryption)]
    [InlineData("GET", "b", null, "acl", false, S3Operation.GetBucketAcl)]
    [InlineData("PUT", "b", null, "acl", false, S3Operation.PutBucketAcl)]
    [InlineData("GET", "b", null, "logging", false, S3Operation.GetBucketLogging)]
    [InlineData("PUT", "b", null, "logging", false, S3Operation.PutBucketLogging)]
    [InlineData("GET", "b", null, "website", false, S3Operation.GetBucketWebsite)]
    [InlineData("PUT", "b", null, "website", false, S3Operation.PutBucketWebsite)]
    [InlineData("DELETE", "b", null, "website", false, S3Operation.DeleteBucketWebsite)]
    [InlineData("GET", "b", null, "replication", false, S3Operation.GetBucketReplication)]
    [InlineData("PUT", "b", null, "replication", false, S3Operation.PutBucketReplication)]
    [InlineData("DELETE", "b", null, "replication", false, S3Operation.DeleteBucketReplication)]
    [InlineData("GET", "b", null, "accelerate", false, S3Operation.GetBucketAccelerateConfiguration)]
    [InlineData("PUT", "b", null, "accelerate", false, S3Operation.PutBucketAccelerateConfiguration)]
    [InlineData("GET", "b", null, "analytics", false, S3Operation.ListBucketAnalyticsConfigurations)]
    [InlineData("GET", "b", null, "analytics&continuation-token=t", false, S3Operation.ListBucketAnalyticsConfigurations)]
    [InlineData("GET", "b", null, "analytics&id=a", false, S3Operation.GetBucketAnalyticsConfiguration)]
    [InlineData("PUT", "b", null, "analytics&id=a", false, S3Operation.PutBucketAnalyticsConfiguration)]
    [InlineData("DELETE", "b", null, "analytics&id=a", false, S3Operation.DeleteBucketAnalyticsConfiguration)]
    [InlineData("GET", "b", null, "metrics", false, S3Operation.ListBucketMetricsConfigurations)]
    [InlineData("GET", "b", null, "metrics&id=m", false, S3Operation.GetBucketMetricsConfiguration)]
    [InlineData("PUT", "b", null, "metrics&id=m", false, S3Operation.PutBucketMetricsConfiguration)]
    [InlineData("DELETE", "b", null, "metrics&id=m", false, S3Operation.DeleteBucketMetricsConfiguration)]
    [InlineData("GET", "b", null, "inventory", false, S3Operation.ListBucketInventoryConfigurations)]
    [InlineData("GET", "b", null, "inventory&id=i", false, S3Operation.GetBucketInventoryConfiguration)]
    [InlineData("PUT", "b", null, "inventory&id=i", false, S3Operation.PutBucketInventoryConfiguration)]
    [InlineData("DELETE", "b", null, "inventory&id=i", false, S3Operation.DeleteBucketInventoryConfiguration)]
    [InlineData("GET", "b", null, "intelligent-tiering", false, S3Operation.ListBucketIntelligentTieringConfigurations)]
    [InlineData("GET", "b", null, "intelligent-tiering&id=t", false, S3Operation.GetBucketIntelligentTieringConfiguration)]
    [InlineData("PUT", "b", null, "intelligent-tiering&id=t", false, S3Operation.PutBucketIntelligentTieringConfiguration)]
    [InlineData("DELETE", "b", null, "intelligent-tiering&id=t", false, S3Operation.DeleteBucketIntelligentTieringConfiguration)]
    [InlineData("GET", "b", null, "requestPayment", false, S3Operation.GetBucketRequestPayment)]
    [InlineData("PUT", "b", null, "requestPayment", false, S3Operation.PutBucketRequestPayment)]
    [InlineData("GET", "b", null, "object-lock", false, S3Operation.GetObjectLockConfiguration)]
    [InlineData("PUT", "b", null, "object-lock", false, S3Operation.PutObjectLockConfiguration)]
    [InlineData("GET", "b", null, "ownershipControls", false, S3Operation.GetBucketOwnershipControls)]
    [InlineData("PUT", "b", null, "ownershipControls", false, S3Operation.PutBucketOwnershipControls)]
    [InlineData("DELETE", "b", null, "ownershipControls", false, S3Operation.DeleteBucketOwnershipControls)]
    [InlineData("GET", "b", null, "publicAccessBlock", false, S3Operation.GetPublicAccessBlock)]
    [InlineData("PUT", "b", null, "publicAccessBlock", false, S3Operation.PutPublicAccessBlock)]
    [InlineData("DELETE", "b", null, "publicAccessBlock", false, S3Operation.DeletePublicAccessBlock)]
    [InlineData("GET", "b", null, "uploads", false, S3Operation.ListMultipartUploads)]
    [InlineData("POST", "b", null, "delete", false, S3Operation.DeleteObjects)]
    [InlineData("POST", "b", null, "", false, S3Operation.PostObject)]
    [InlineData("OPTIONS", "b", null, "", false, S3Operation.CorsPreflight)]
    // Object
    [InlineData("PUT", "b", "k", "", false, S3Operation.PutObject)]
    [InlineData("PUT", "b", "k", "", true, S3Operation.CopyObject)]
    [InlineData("GET", "b", "k", "", false, S3Operation.GetObject)]
    [InlineData("GET", "b", "k", "response-content-type=text/plain&versionId=v", false, S3Operation.GetObject)]
    [InlineData("HEAD", "b", "k", "", false, S3Operation.HeadObject)]
    [InlineData("DELETE", "b", "k", "", false, S3Operation.DeleteObject)]
    [InlineData("GET", "b", "k", "acl", false, S3Operation.GetObjectAcl)]
    [InlineData("PUT", "b", "k", "acl", false, S3Operation.PutObjectAcl)]
    [InlineData("GET", "b", "k", "tagging", false, S3Operation.GetObjectTagging)]
    [InlineData("PUT", "b", "k", "tagging", false, S3Operation.PutObjectTagging)]
    [InlineData("DELETE", "b", "k", "tagging", false, S3Operation.DeleteObjectTagging)]
    [InlineData("GET", "b", "k", "attributes", false, S3Operation.GetObjectAttributes)]
    [InlineData("GET", "b", "k", "retention", false, S3Operation.GetObjectRetention)]
    [InlineData("PUT", "b", "k", "retention", false, S3Operation.PutObjectRetention)]
    [InlineData("GET", "b", "k", "legal-hold", false, S3Operation.GetObjectLegalHold)]
    [InlineData("PUT", "b", "k", "legal-hold", false, S3Operation.PutObjectLegalHold)]
    [InlineData("GET", "b", "k", "torrent", false, S3Operation.GetObjectTorrent)]
    [InlineData("POST", "b", "k", "uploads", false, S3Operation.CreateMultipartUpload)]
    [InlineData("PUT", "b", "k", "partNumber=1&uploadId=u", false, S3Operation.UploadPart)]
    [InlineData("PUT", "b", "k", "partNumber=1&uploadId=u", true, S3Operation.UploadPartCopy)]
    [InlineData("POST", "b", "k", "uploadId=u", false, S3Operation.CompleteMultipartUpload)]
    [InlineData("DELETE", "b", "k", "uploadId=u", false, S3Operation.AbortMultipartUpload)]
    [InlineData("GET", "b", "k", "uploadId=u", false, S3Operation.ListParts)]
    [InlineData("GET", "b", "k", "uploadId=u&max-parts=10&part-number-marker=2", false, S3Operation.ListParts)]
    [InlineData("POST", "b", "k", "restore", false, S3Operation.RestoreObject)]
    [InlineData("POST", "b", "k", "select&select-type=2", false, S3Operation.SelectObjectContent)]
    [InlineData("OPTIONS", "b", "k", "", false, S3Operation.CorsPreflight)]
    public void Request_routes_to_its_operation(string method, string? bucket, string? key, string query, bool copySource, S3Operation expected)
    {
        var route = Route(method, bucket, key, query, copySource);
        Assert.True(route.IsMatch, $"{method} {bucket}/{key}?{query} did not route: {route.Error?.Code}");
        Assert.Equal(expected, route.Operation);
    }

    [Theory]
    [InlineData("PUT", null, null, "")]
    [InlineData("DELETE", null, null, "")]
    [InlineData("POST", null, null, "")]
    [InlineData("PATCH", "b", "k", "")]
    [InlineData("HEAD", null, null, "")]
    public void Verb_the_resource_does_not_take_is_MethodNotAllowed(string method, string? bucket, string? key, string query)
    {
        var route = Route(method, bucket, key, query);
        Assert.Equal(S3Errors.MethodNotAllowed, route.Error);
    }

    [Theory]
    [InlineData("PUT", "analytics")]
    [InlineData("DELETE", "analytics")]
    [InlineData("DELETE", "metrics")]
    [InlineData("DELETE", "inventory")]
    [InlineData("DELETE", "intelligent-tiering")]
    [InlineData("DELETE", "logging")]
    [InlineData("DELETE", "accelerate")]
    [InlineData("DELETE", "requestPayment")]
    [InlineData("DELETE", "acl")]
    [InlineData("POST", "metrics")]
    public void Bucket_subresource_without_a_route_is_NotImplemented_not_the_plain_operation(string method, string query)
    {
        var route = Route(method, "b", null, query);
        Assert.Equal(S3Errors.NotImplemented, route.Error);
    }

    [Fact]
    public void Post_to_an_object_without_a_keyword_is_InvalidRequest()
    {
        Assert.Equal(S3Errors.InvalidRequest, Route("POST", "b", "k").Error);
    }

    [Fact]
    public void Copy_source_header_turns_a_put_into_a_copy_only_for_objects()
    {
        Assert.Equal(S3Operation.CreateBucket, Route("PUT", "b", null, "", copySource: true).Operation);
        Assert.Equal(S3Operation.CopyObject, Route("PUT", "b", "k", "", copySource: true).Operation);
    }

    [Fact]
    public void Every_operation_in_the_enum_has_a_route()
    {
        var routed = S3Router.RoutedOperations.ToHashSet();
        var missing = Enum.GetValues<S3Operation>().Where(op => !routed.Contains(op)).ToList();
        Assert.Empty(missing);
    }

    [Theory]
    [InlineData("GET", "k", "versionId=v1", S3Operation.GetObject, "v1", null, null)]
    [InlineData("DELETE", "k", "versionId=v2", S3Operation.DeleteObject, "v2", null, null)]
    [InlineData("PUT", "k", "partNumber=3&uploadId=u1", S3Operation.UploadPart, null, "u1", "3")]
    [InlineData("POST", "k", "uploadId=u2", S3Operation.CompleteMultipartUpload, null, "u2", null)]
    [InlineData("GET", "k", "uploadId=u3", S3Operation.ListParts, null, "u3", null)]
    [InlineData("GET", "k", "partNumber=2", S3Operation.GetObject, null, null, "2")]
    public void Route_carries_its_version_upload_and_part_parameters(string method, string key, string query, S3Operation operation,
        string? versionId, string? uploadId, string? partNumber)
    {
        var route = Route(method, "b", key, query);

        Assert.Equal(operation, route.Operation);
        Assert.Equal(new S3RouteParameters("b", key, versionId, uploadId, partNumber, null), route.Parameters);
    }

    [Fact]
    public void Copy_routes_carry_the_copy_source()
    {
        var q = new Dictionary<string, string>(StringComparer.Ordinal) { ["partNumber"] = "1", ["uploadId"] = "u" };
        var copy = S3Router.Route(new S3RouteRequest("PUT", "b", "k", new Dictionary<string, string>(), HasCopySource: true, CopySource: "/src/a.txt"));
        var partCopy = S3Router.Route(new S3RouteRequest("PUT", "b", "k", q, HasCopySource: true, CopySource: "src/b.txt?versionId=v"));

        Assert.Equal((S3Operation.CopyObject, "/src/a.txt"), (copy.Operation, copy.Parameters.CopySource));
        Assert.Equal((S3Operation.UploadPartCopy, "src/b.txt?versionId=v", "u", "1"),
            (partCopy.Operation, partCopy.Parameters.CopySource, partCopy.Parameters.UploadId, partCopy.Parameters.PartNumber));
    }

    [Fact]
    public void Refused_route_carries_no_parameters()
    {
        var route = Route("PATCH", "b", "k", "versionId=v");

        Assert.False(route.IsMatch);
        Assert.Same(S3RouteParameters.None, route.Parameters);
    }
}
