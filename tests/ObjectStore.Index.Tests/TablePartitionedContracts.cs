using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

// The IObjectIndex contract again on buckets spread over four index partitions: every contract test (listings
// merging partitions, versions, uploads, outbox, data scans) holds for any partition count (docs/index-schema.md).

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedObjectWriteTests(AzuriteFixture azurite) : ObjectWriteTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedVersioningTests(AzuriteFixture azurite) : VersioningTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedVersionUpdateTests(AzuriteFixture azurite) : VersionUpdateTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedUploadTests(AzuriteFixture azurite) : UploadTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedListingTests(AzuriteFixture azurite) : ListingTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedBucketTests(AzuriteFixture azurite) : BucketTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedDataRowTests(AzuriteFixture azurite) : DataRowTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedOutboxTests(AzuriteFixture azurite) : OutboxTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedConcurrentVersionDeleteTests(AzuriteFixture azurite) : ConcurrentVersionDeleteTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedDataDeletionTests(AzuriteFixture azurite) : DataDeletionTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedObjectLockTests(AzuriteFixture azurite) : ObjectLockTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedInlineDataTests(AzuriteFixture azurite) : InlineDataTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}

[Collection(AzuriteCollection.Name)]
public sealed class TablePartitionedConcurrentWriteTests(AzuriteFixture azurite) : ConcurrentWriteTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time, partitions: 4);
}
