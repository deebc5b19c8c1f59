using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Version and upload listings of a bucket whose index spans four Table partitions (<see cref="PartitionedBucket"/>),
/// page by page against a reference model, resuming with key-marker plus version-id-marker or upload-id-marker.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartitionedVersionAndUploadListingTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    /// <summary>Keys sharing prefixes, odd characters, and an overflow group (357-byte shared prefix), spread over the partitions.</summary>
    private static List<string> Keys() =>
        ListingTests.AwkwardKeys.Where((_, i) => i % 3 == 0)
            .Concat(Enumerable.Range(0, 24).Select(i => $"dir{i % 3}/f{i:D2}"))
            .Concat(Enumerable.Range(0, 6).Select(i => new string('x', 400) + "/" + (char)('a' + i)))
            .Distinct().Order(Utf8KeyComparer.Instance).ToList();

    /// <summary>One entry of a listing page in S3 order: a version ("key", its id, latest) or a common prefix (id null).</summary>
    private readonly record struct Entry(string Key, string? Id, bool IsLatest);

    /// <summary>
    /// The S3 answer over <paramref name="all"/> (every version or upload in S3 order): entries under the prefix,
    /// after the marker (key-marker alone: the key's entries too; with an id marker: the key's entries up to and
    /// including that id), rolled up at the delimiter (a prefix at or before the key marker was returned already).
    /// </summary>
    private static List<Entry> Reference(List<Entry> all, string prefix, string? delimiter, string? keyMarker, string? idMarker)
    {
        var result = new List<Entry>();
        var passedIdMarker = false;
        foreach (var entry in all)
        {
            if (!entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            if (keyMarker is not null)
            {
                var byKey = Utf8KeyComparer.Instance.Compare(entry.Key, keyMarker);
                if (byKey < 0 || (byKey == 0 && (idMarker is null || !passedIdMarker)))
                {
                    passedIdMarker |= byKey == 0 && entry.Id == idMarker;
                    continue;
                }
            }
            var at = delimiter is null ? -1 : entry.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            if (at < 0)
            {
                result.Add(entry);
                continue;
            }
            var commonPrefix = entry.Key[..(at + delimiter!.Length)];
            if (keyMarker is not null && Utf8KeyComparer.Instance.Compare(keyMarker, commonPrefix) >= 0)
                continue;
            if (result.Count == 0 || result[^1].Key != commonPrefix)
                result.Add(new Entry(commonPrefix, null, false));
        }
        return result;
    }

    /// <summary>Pages until the end, each checked against <see cref="Reference"/> from its markers; returns the pages.</summary>
    private static async Task<int> AssertPagesAsync(List<Entry> all, string prefix, string? delimiter, int maxKeys,
        Func<string?, string?, Task<(List<Entry> Entries, bool Truncated, string? NextKey, string? NextId)>> listAsync)
    {
        string? keyMarker = null, idMarker = null;
        for (var pages = 1; ; pages++)
        {
            var expected = Reference(all, prefix, delimiter, keyMarker, idMarker);
            var (actual, truncated, nextKey, nextId) = await listAsync(keyMarker, idMarker);
            var context = $"prefix '{prefix}', delimiter '{delimiter}', max {maxKeys}, markers '{keyMarker}' '{idMarker}'";
            Assert.True(expected.Take(maxKeys).SequenceEqual(actual),
                $"{context}: expected [{string.Join(", ", expected.Take(maxKeys))}] got [{string.Join(", ", actual)}]");
            Assert.Equal(expected.Count > maxKeys, truncated);
            if (!truncated)
                return pages;
            Assert.Equal((actual[^1].Key, actual[^1].Id), (nextKey, nextId));
            (keyMarker, idMarker) = (nextKey, nextId);
        }
    }

    /// <summary>Interleaves a page's entries and common prefixes in S3 order (a stable sort keeps a key's versions in order).</summary>
    private static List<Entry> InOrder(IEnumerable<Entry> entries, IEnumerable<string> commonPrefixes) =>
        entries.Concat(commonPrefixes.Select(p => new Entry(p, null, false))).OrderBy(e => e.Key, Utf8KeyComparer.Instance).ToList();

    [Fact]
    public async Task Partitioned_version_listing_matches_the_reference_model_with_both_markers()
    {
        var bucket = new PartitionedBucket(await TableIndexContext.CreateAsync(azurite), "b", 4);
        var keys = Keys();
        Assert.Equal(4, keys.Select(bucket.PartitionOf).Distinct().Count());
        var versions = new Dictionary<string, List<Entry>>();
        for (var round = 0; round < 3; round++)
            foreach (var (key, i) in keys.Select((k, i) => (k, i)))
            {
                if (round > i % 3)
                    continue; // one to three versions a key
                var written = (round == 2 && i % 2 == 0)
                    ? await bucket.Context.Index.DeleteObjectAsync(bucket.PartitionOf(key), key, null, WriteCondition.None, BucketVersioning.Enabled, None)
                    : await bucket.Context.Index.PutObjectAsync(bucket.Record(key, $"\"{round}\""), WriteCondition.None,
                        round == 0 && i % 4 == 0 ? BucketVersioning.Unversioned : BucketVersioning.Enabled, None); // some "null" versions
                Assert.Equal(IndexWriteResult.Success, written.Result);
                versions.TryAdd(key, []);
                versions[key].Insert(0, new Entry(key, written.Committed!.VersionId, false));
            }
        var all = keys.SelectMany(k => versions[k].Select((v, n) => v with { IsLatest = n == 0 })).ToList();
        Assert.Contains(all, e => e.Key.StartsWith('x') && versions[e.Key].Count == 3);
        Assert.Contains(all, e => e.Id == VersionIds.Null && !e.IsLatest);

        foreach (var prefix in new[] { "", "dir1/", "a", new string('x', 400) })
        foreach (var delimiter in new[] { null, "/", "x/" })
        foreach (var maxKeys in new[] { 1, 7, 1000 })
            await AssertPagesAsync(all, prefix, delimiter, maxKeys, async (keyMarker, idMarker) =>
            {
                var page = await bucket.Listings.ListVersionsAsync(new VersionListRequest("b", prefix, delimiter, keyMarker, idMarker, maxKeys), bucket.Keys, None);
                Assert.All(page.Entries, e => Assert.Equal("b", e.Version.Bucket));
                var entries = InOrder(page.Entries.Select(e => new Entry(e.Version.Key, e.Version.VersionId, e.IsLatest)), page.CommonPrefixes);
                return (entries, page.IsTruncated, page.NextKeyMarker, page.NextVersionIdMarker);
            });

        // A version-id marker that no longer exists: the marker key's versions are all behind.
        var markerKey = keys.First(k => versions[k].Count == 3);
        var gone = await bucket.Listings.ListVersionsAsync(new VersionListRequest("b", "", null, markerKey, "AAAAAAAAAAAAAAAA", 1000), bucket.Keys, None);
        Assert.Equal(Reference(all, "", null, markerKey, "no such version"), InOrder(gone.Entries.Select(e => new Entry(e.Version.Key, e.Version.VersionId, e.IsLatest)), []));
    }

    [Fact]
    public async Task Partitioned_upload_listing_matches_the_reference_model_with_both_markers()
    {
        var bucket = new PartitionedBucket(await TableIndexContext.CreateAsync(azurite), "b", 4);
        var keys = Keys();
        var all = new List<Entry>();
        foreach (var (key, i) in keys.Select((k, i) => (k, i)))
            for (var n = 0; n <= i % 3; n++)
            {
                var upload = new UploadRecord(bucket.PartitionOf(key), key, UploadIds.New(DateTimeOffset.UtcNow, key), T0, "STANDARD") { StateChanged = T0 };
                Assert.Equal(IndexWriteResult.Success, await bucket.Context.Index.CreateUploadAsync(upload, None));
                all.Add(new Entry(key, upload.UploadId, false));
            }
        all = all.OrderBy(e => e.Key, Utf8KeyComparer.Instance).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();

        foreach (var prefix in new[] { "", "dir1/", "a", new string('x', 400) })
        foreach (var delimiter in new[] { null, "/", "x/" })
        foreach (var maxKeys in new[] { 1, 7, 1000 })
            await AssertPagesAsync(all, prefix, delimiter, maxKeys, async (keyMarker, idMarker) =>
            {
                var page = await bucket.Listings.ListUploadsAsync(new UploadListRequest("b", prefix, delimiter, keyMarker, idMarker, maxKeys), bucket.Keys, None);
                Assert.All(page.Uploads, u => Assert.Equal("b", u.Bucket));
                var entries = InOrder(page.Uploads.Select(u => new Entry(u.Key, u.UploadId, false)), page.CommonPrefixes);
                return (entries, page.IsTruncated, page.NextKeyMarker, page.NextUploadIdMarker);
            });
    }
}
