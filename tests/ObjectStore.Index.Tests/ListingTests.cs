using System.Text;

namespace ObjectStore.Index.Tests;

public abstract class ListingTests : IndexContract
{
    internal static readonly string[] AwkwardKeys =
    [
        "a", "a/", "a/b", "a\\b", "a#b", "a?b", "a\tb", "a\u0001b", "a\u007Fb", "a b", "a'b", "a%2Fb", "a+b", "a~b", "a-b", "a_b",
        "😀", "a😀", "a\uE000", "a\uFFFD", "a\uFFFF", "\uE000", "\uFFFD", "é", "日本/データ", "a//b", "/leading", "trailing/",
        new string('x', 1024), new string('x', 1023) + "y", new string('x', 357), new string('x', 358), new string('x', 356) + "é",
        new string('x', 400) + "😀" + new string('x', 100), new string('x', 400) + "\uE000" + new string('x', 100),
        new string('x', 400) + "/a", new string('x', 400) + "/b", new string('x', 400) + "#", new string('é', 512), "\u0001", "\u001F",
    ];

    private static List<string> Utf8Sorted(IEnumerable<string> keys) => keys.Order(Utf8KeyComparer.Instance).ToList();

    [Fact]
    public async Task Awkward_keys_list_back_in_utf8_byte_order()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        foreach (var key in AwkwardKeys)
            Assert.Equal(IndexWriteResult.Success, (await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, key), WriteCondition.MustNotExist, BucketVersioning.Unversioned, None)).Result);
        foreach (var key in AwkwardKeys)
            Assert.Equal(key, (await ctx.Index.GetObjectAsync(bucket, key, null, None))?.Key);

        var page = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 1000), None);
        Assert.False(page.IsTruncated);
        Assert.Equal(Utf8Sorted(AwkwardKeys), page.Objects.Select(o => o.Key).ToList());
        Assert.Equal(Utf8Sorted(AwkwardKeys), (await ctx.ListAllAsync(bucket, "", null, 1)).Entries);
    }

    /// <summary>Prefixes the reference-model tests list under: empty, short, multi-byte, inside and past overflow groups, absent.</summary>
    internal static readonly string[] ReferencePrefixes = ["", "a", "a/", "x", "ab/", "😀", new string('p', 200), new string('p', 400), new string('x', 400), "zz"];

    /// <summary>Delimiters of the reference-model tests: none, one character, multi-character, emoji.</summary>
    internal static readonly string?[] ReferenceDelimiters = [null, "/", "a", "p/", "😀"];

    /// <summary>
    /// <see cref="AwkwardKeys"/> and random keys built of short, odd and long (200 and 180 byte) parts up to
    /// <paramref name="count"/>: many keys share prefixes and delimiters, and many pass 357 bytes with long
    /// shared prefixes (overflow groups).
    /// </summary>
    internal static HashSet<string> GeneratedKeys(int count = 400, int seed = 11)
    {
        var random = new Random(seed);
        string[] parts = ["a", "b", "/", "x/", "é", "😀", "\uE000", "#", "?", "\\", "\t", "ab/", new string('p', 200), new string('q', 180)];
        var keys = new HashSet<string>(AwkwardKeys);
        while (keys.Count < count)
        {
            var key = string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => parts[random.Next(parts.Length)]));
            if (Encoding.UTF8.GetByteCount(key) <= 1024)
                keys.Add(key);
        }
        return keys;
    }

    [Fact]
    public async Task Every_listing_matches_a_reference_model_page_by_page()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var keys = GeneratedKeys();
        await ctx.BulkInsertAsync(bucket, keys);
        var sorted = Utf8Sorted(keys);

        string[] prefixes = ReferencePrefixes;
        string?[] delimiters = ReferenceDelimiters;
        foreach (var prefix in prefixes)
        foreach (var delimiter in delimiters)
        foreach (var maxKeys in new[] { 1, 3, 1000 })
        {
            var expected = Reference(sorted, prefix, delimiter, null);
            var (actual, _) = await ctx.ListAllAsync(bucket, prefix, delimiter, maxKeys);
            Assert.True(expected.SequenceEqual(actual), $"prefix '{prefix}', delimiter '{delimiter}', max {maxKeys}: expected [{string.Join(", ", expected)}] got [{string.Join(", ", actual)}]");
        }

        // Start-after anywhere, including between keys and inside overflow groups.
        foreach (var startAfter in sorted.Where((_, i) => i % 7 == 0).Concat(["a/a", "\uFFFF", new string('x', 400) + "/a!", ""]))
        {
            var page = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, startAfter, 1000), None);
            Assert.Equal(Reference(sorted, "", null, startAfter), page.Objects.Select(o => o.Key).ToList());
        }
    }

    [Fact]
    public async Task Pagination_with_start_after_returns_every_key_exactly_once()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var keys = Enumerable.Range(0, 2500).Select(i => $"dir{i % 7}/f{i:D4}").ToList();
        await ctx.BulkInsertAsync(bucket, keys);

        var (entries, pages) = await ctx.ListAllAsync(bucket, "", null, 333);
        Assert.Equal(Utf8Sorted(keys), entries);
        Assert.Equal(8, pages);
        var (inDir, _) = await ctx.ListAllAsync(bucket, "dir3/", "/", 100);
        Assert.Equal(Utf8Sorted(keys.Where(k => k.StartsWith("dir3/", StringComparison.Ordinal))), inDir);
    }

    [Fact]
    public async Task Max_keys_zero_returns_nothing_and_is_not_truncated()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        await ctx.Index.PutObjectAsync(IndexTestContext.Record(bucket, "k"), WriteCondition.None, BucketVersioning.Unversioned, None);
        var page = await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 0), None);
        Assert.Empty(page.Objects);
        Assert.Empty(page.CommonPrefixes);
        Assert.False(page.IsTruncated);
        Assert.Null(page.NextStartAfter);
    }

    /// <summary>What S3 returns: keys after start-after under the prefix, rolled up at the delimiter, in UTF-8 order.</summary>
    internal static List<string> Reference(List<string> sortedKeys, string prefix, string? delimiter, string? startAfter)
    {
        var entries = new List<string>();
        foreach (var key in sortedKeys)
        {
            if (!key.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            if (startAfter is not null && Utf8KeyComparer.Instance.Compare(key, startAfter) <= 0)
                continue;
            var at = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            if (at < 0)
            {
                entries.Add(key);
                continue;
            }
            var commonPrefix = key[..(at + delimiter!.Length)];
            if (startAfter is not null && Utf8KeyComparer.Instance.Compare(startAfter, commonPrefix) >= 0)
                continue;
            if (entries.Count == 0 || entries[^1] != commonPrefix)
                entries.Add(commonPrefix);
        }
        return entries;
    }

    [Fact]
    public async Task Listed_records_carry_the_listing_fields_but_no_headers_metadata_or_tags()
    {
        var ctx = await CreateContextAsync();
        var bucket = await ctx.CreateBucketAsync();
        var record = IndexTestContext.Record(bucket, "k", "\"e\"", 7) with
        {
            Headers = new Dictionary<string, string> { ["Content-Type"] = "text/plain" },
            UserMetadata = new Dictionary<string, string> { ["stage"] = "train" },
            Tags = new Dictionary<string, string> { ["team"] = "ml" },
            ChecksumAlgorithm = "CRC32",
            ChecksumValue = "AAAAAA==",
            Owner = "alice",
        };
        await ctx.Index.PutObjectAsync(record, WriteCondition.None, BucketVersioning.Enabled, None);

        var listed = Assert.Single((await ctx.Index.ListObjectsAsync(new ListRequest(bucket, "", null, null, 10), None)).Objects);
        var version = Assert.Single((await ctx.Index.ListVersionsAsync(new VersionListRequest(bucket, "", null, null, null, 10), None)).Entries).Version;
        foreach (var r in new[] { listed, version })
        {
            Assert.Equal(("\"e\"", 7L, "CRC32", "AAAAAA==", "alice", record.DataLayout), (r.ETag, r.Size, r.ChecksumAlgorithm, r.ChecksumValue, r.Owner, r.DataLayout));
            Assert.Empty(r.Headers);
            Assert.Empty(r.UserMetadata);
            Assert.Empty(r.Tags);
        }
        Assert.Equal("ml", (await ctx.Index.GetObjectAsync(bucket, "k", null, None))!.Tags["team"]);
    }
}
