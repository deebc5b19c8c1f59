namespace ObjectStore.Index.Tests;

/// <summary>
/// A fresh <see cref="IObjectIndex"/> under test (its own tables on Azurite, or a new fake) with the
/// helpers the contract tests share. <see cref="TableIndexContext"/> adds what only the Table index has.
/// </summary>
internal class IndexTestContext(IObjectIndex index)
{
    public IObjectIndex Index { get; } = index;

    public async Task<string> CreateBucketAsync()
    {
        var name = ObjectStore.Testing.UniqueNames.Bucket();
        Assert.True(await Index.TryCreateBucketAsync(new BucketRecord(name, DateTimeOffset.UtcNow, "us-east-1", "owner"), CancellationToken.None));
        return name;
    }

    public static ObjectRecord Record(string bucket, string key, string etag = "\"e1\"", long size = 1) =>
        new(bucket, key, "null", size, etag, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "STANDARD", "layout:" + key.Length);

    /// <summary>Writes <see cref="Record"/>s of these keys (unversioned), for large fixtures.</summary>
    public virtual async Task BulkInsertAsync(string bucket, IEnumerable<string> keys)
    {
        foreach (var key in keys)
            Assert.Equal(IndexWriteResult.Success,
                (await Index.PutObjectAsync(Record(bucket, key), WriteCondition.None, BucketVersioning.Unversioned, CancellationToken.None)).Result);
    }

    /// <summary>All pages of a listing, following NextStartAfter.</summary>
    public async Task<(List<string> Entries, int Pages)> ListAllAsync(string bucket, string prefix, string? delimiter, int maxKeys)
    {
        var entries = new List<string>();
        string? startAfter = null;
        var pages = 0;
        while (true)
        {
            var page = await Index.ListObjectsAsync(new ListRequest(bucket, prefix, delimiter, startAfter, maxKeys), CancellationToken.None);
            pages++;
            entries.AddRange(Merge(page));
            Assert.True(page.Objects.Count + page.CommonPrefixes.Count <= maxKeys);
            if (!page.IsTruncated)
                return (entries, pages);
            Assert.NotNull(page.NextStartAfter);
            startAfter = page.NextStartAfter;
        }
    }

    /// <summary>Objects and prefixes of one page interleaved in S3 order.</summary>
    public static IEnumerable<string> Merge(ObjectListing page) =>
        page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes).OrderBy(s => s, Utf8KeyComparer.Instance);
}

/// <summary>
/// Base of every contract test class: one subclass per implementation (Table* on Azurite, InMemory* on
/// the fake in tests/ObjectStore.Testing/Fakes) says how to make a fresh index.
/// </summary>
public abstract class IndexContract
{
    private protected static readonly CancellationToken None = CancellationToken.None;

    /// <param name="time">The index's clock (delete markers, version stamps), or the system clock.</param>
    private protected abstract Task<IndexTestContext> CreateContextAsync(TimeProvider? time = null);
}
