using ObjectStore.Testing.Fakes;

namespace ObjectStore.Index.Tests;

// The IObjectIndex contract against the in-memory fake the protocol tests use
// (tests/ObjectStore.Testing/Fakes/InMemoryIndex): a fake that drifts from the Table index fails here.

internal static class InMemoryIndexContext
{
    public static Task<IndexTestContext> CreateAsync(TimeProvider? time) => Task.FromResult(new IndexTestContext(new InMemoryIndex(time)));
}

public sealed class InMemoryObjectWriteTests : ObjectWriteTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryVersioningTests : VersioningTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryVersionUpdateTests : VersionUpdateTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryUploadTests : UploadTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryListingTests : ListingTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryBucketTests : BucketTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryDataRowTests : DataRowTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryOutboxTests : OutboxTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryConcurrentVersionDeleteTests : ConcurrentVersionDeleteTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryDataDeletionTests : DataDeletionTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryObjectLockTests : ObjectLockTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryInlineDataTests : InlineDataTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}

public sealed class InMemoryConcurrentWriteTests : ConcurrentWriteTests
{
    private protected override Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null) => InMemoryIndexContext.CreateAsync(time);
}
