using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests;

/// <summary>Which operations a full disk refuses (<see cref="S3OperationEffects.NeedsSpace"/>): whatever stores something.</summary>
public sealed class OperationEffectsTests
{
    [Theory]
    [InlineData(S3Operation.CreateBucket)]
    [InlineData(S3Operation.PutBucketTagging)]
    [InlineData(S3Operation.PutBucketVersioning)]
    [InlineData(S3Operation.PutBucketPolicy)]
    [InlineData(S3Operation.PutBucketLifecycleConfiguration)]
    [InlineData(S3Operation.PutBucketNotificationConfiguration)]
    [InlineData(S3Operation.PutBucketCors)]
    [InlineData(S3Operation.PutBucketEncryption)]
    [InlineData(S3Operation.PutPublicAccessBlock)]
    [InlineData(S3Operation.PutObject)]
    [InlineData(S3Operation.PostObject)]
    [InlineData(S3Operation.CopyObject)]
    [InlineData(S3Operation.PutObjectTagging)]
    [InlineData(S3Operation.CreateMultipartUpload)]
    [InlineData(S3Operation.UploadPart)]
    [InlineData(S3Operation.UploadPartCopy)]
    [InlineData(S3Operation.CompleteMultipartUpload)]
    [InlineData(S3Operation.RestoreObject)]
    public void Operations_that_store_something_need_space(S3Operation operation) =>
        Assert.True(S3OperationEffects.NeedsSpace(operation));

    [Theory]
    [InlineData(S3Operation.ListBuckets)]
    [InlineData(S3Operation.HeadBucket)]
    [InlineData(S3Operation.ListObjectsV2)]
    [InlineData(S3Operation.ListObjectVersions)]
    [InlineData(S3Operation.GetObject)]
    [InlineData(S3Operation.HeadObject)]
    [InlineData(S3Operation.GetBucketVersioning)]
    [InlineData(S3Operation.DeleteObject)]
    [InlineData(S3Operation.DeleteObjects)]
    [InlineData(S3Operation.DeleteBucket)]
    [InlineData(S3Operation.DeleteBucketTagging)]
    [InlineData(S3Operation.AbortMultipartUpload)]
    [InlineData(S3Operation.ListParts)]
    [InlineData(S3Operation.CorsPreflight)]
    public void Reads_and_deletes_need_no_space(S3Operation operation) =>
        Assert.False(S3OperationEffects.NeedsSpace(operation));

    [Fact]
    public void Every_Put_operation_needs_space_and_every_Get_Head_and_List_does_not()
    {
        foreach (var operation in Enum.GetValues<S3Operation>())
        {
            var name = operation.ToString();
            if (name.StartsWith("Put", StringComparison.Ordinal))
                Assert.True(S3OperationEffects.NeedsSpace(operation), name);
            if (name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("Head", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal))
                Assert.False(S3OperationEffects.NeedsSpace(operation), name);
        }
    }
}
