using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

// The IObjectIndex contract against the Table index on Azurite: one subclass per contract class.

[Collection(AzuriteCollection.Name)]
public sealed class TableObjectWriteTests(AzuriteFixture azurite) : ObjectWriteTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableVersioningTests(AzuriteFixture azurite) : VersioningTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableVersionUpdateTests(AzuriteFixture azurite) : VersionUpdateTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableUploadTests(AzuriteFixture azurite) : UploadTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableListingTests(AzuriteFixture azurite) : ListingTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableBucketTests(AzuriteFixture azurite) : BucketTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableDataRowTests(AzuriteFixture azurite) : DataRowTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableOutboxTests(AzuriteFixture azurite) : OutboxTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableConcurrentVersionDeleteTests(AzuriteFixture azurite) : ConcurrentVersionDeleteTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableDataDeletionTests(AzuriteFixture azurite) : DataDeletionTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableObjectLockTests(AzuriteFixture azurite) : ObjectLockTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableInlineDataTests(AzuriteFixture azurite) : InlineDataTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}

[Collection(AzuriteCollection.Name)]
public sealed class TableConcurrentWriteTests(AzuriteFixture azurite) : ConcurrentWriteTests
{
    private protected override async Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) =>
        await TableIndexContext.CreateAsync(azurite, time);
}
