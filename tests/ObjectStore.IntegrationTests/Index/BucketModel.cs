using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace ObjectStore.IntegrationTests.Index;

/// <summary>One version of a key as the client wrote it: its id, and its ETag, size and MD5 (none for a delete marker).</summary>
internal sealed record ModelVersion(string VersionId, bool IsDeleteMarker, string? ETag, long Size, string? Md5);

/// <summary>
/// What a versioned bucket must hold after the writes a client saw succeed: every key's versions, newest first.
/// It renders the listings S3 gives (ListObjectsV2 with and without a delimiter, ListObjectVersions) in S3's order
/// (UTF-8 bytes), to compare with what the server lists. Thread-safe: the load's writers record into it.
/// </summary>
internal sealed class BucketModel
{
    private static readonly Comparer<string> Utf8Order = Comparer<string>.Create((a, b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));

    private readonly SortedDictionary<string, List<ModelVersion>> _keys = new(Utf8Order);
    private readonly HashSet<string> _uncertain = new(StringComparer.Ordinal);

    public static string Md5(ReadOnlySpan<byte> bytes) => Convert.ToHexString(MD5.HashData(bytes));

    public void Put(string key, string versionId, string etag, byte[] bytes) =>
        Add(key, new ModelVersion(versionId, false, etag, bytes.Length, Md5(bytes)));

    public void Add(string key, ModelVersion version)
    {
        lock (_keys)
        {
            if (!_keys.TryGetValue(key, out var versions))
                _keys[key] = versions = [];
            versions.Insert(0, version);
        }
    }

    /// <summary>A version delete: that version is gone, the others stay.</summary>
    public void RemoveVersion(string key, string versionId)
    {
        lock (_keys)
        {
            var versions = _keys[key];
            versions.RemoveAll(v => v.VersionId == versionId);
            if (versions.Count == 0)
                _keys.Remove(key);
        }
    }

    /// <summary>
    /// A write that failed (after the SDK's retries): whether it took effect is unknown, so that key is left out of
    /// the comparisons (the test reports how many).
    /// </summary>
    public void MarkUncertain(string key)
    {
        lock (_keys) _uncertain.Add(key);
    }

    public int UncertainCount
    {
        get { lock (_keys) return _uncertain.Count; }
    }

    public bool IsUncertain(string key)
    {
        lock (_keys) return _uncertain.Contains(key);
    }

    /// <summary>The current version of a key, or null when it has none or its latest is a delete marker.</summary>
    public ModelVersion? Current(string key)
    {
        lock (_keys)
            return _keys.TryGetValue(key, out var versions) && versions.Count > 0 && !versions[0].IsDeleteMarker ? versions[0] : null;
    }

    /// <summary>Every version that has bytes, with its key.</summary>
    public List<(string Key, ModelVersion Version)> ObjectVersions()
    {
        lock (_keys)
            return [.. _keys.Where(k => !_uncertain.Contains(k.Key)).SelectMany(k => k.Value.Where(v => !v.IsDeleteMarker).Select(v => (k.Key, v)))];
    }

    /// <summary>ListObjectsV2 without a delimiter: "key etag size" of every current object, in key order.</summary>
    public List<string> Objects()
    {
        lock (_keys)
            return [.. _keys.Where(k => !_uncertain.Contains(k.Key) && k.Value.Count > 0 && !k.Value[0].IsDeleteMarker)
                .Select(k => ObjectLine(k.Key, k.Value[0].ETag, k.Value[0].Size))];
    }

    /// <summary>ListObjectsV2 with delimiter "/": the top-level objects, then the common prefixes (each in key order).</summary>
    public (List<string> Objects, List<string> Prefixes) Grouped()
    {
        lock (_keys)
        {
            var current = _keys.Where(k => k.Value.Count > 0 && !k.Value[0].IsDeleteMarker).ToList();
            var objects = current.Where(k => !k.Key.Contains('/', StringComparison.Ordinal) && !_uncertain.Contains(k.Key))
                .Select(k => ObjectLine(k.Key, k.Value[0].ETag, k.Value[0].Size)).ToList();
            var prefixes = current.Where(k => k.Key.Contains('/', StringComparison.Ordinal))
                .Select(k => k.Key[..(k.Key.IndexOf('/', StringComparison.Ordinal) + 1)]).Distinct().ToList();
            return (objects, prefixes);
        }
    }

    /// <summary>ListObjectVersions: "key versionId latest marker etag size" in key order, each key's newest first.</summary>
    public List<string> Versions()
    {
        lock (_keys)
            return [.. _keys.Where(k => !_uncertain.Contains(k.Key))
                .SelectMany(k => k.Value.Select((v, i) => VersionLine(k.Key, v.VersionId, i == 0, v.IsDeleteMarker, v.ETag, v.Size)))];
    }

    public static string ObjectLine(string key, string? etag, long size) => $"{key} {etag} {size}";

    public static string VersionLine(string key, string versionId, bool latest, bool marker, string? etag, long size) =>
        marker ? $"{key} {versionId} {latest} marker" : $"{key} {versionId} {latest} {etag} {size}";

    /// <summary>What the server lists, every page, in the model's shapes (keys the model is unsure of left out).</summary>
    public async Task<(List<string> Objects, List<string> GroupedObjects, List<string> Prefixes, List<string> Versions)> ListAsync(IAmazonS3 s3, string bucket)
    {
        var objects = new List<string>();
        await foreach (var o in ListV2Async(s3, bucket, null, 97))
            if (!IsUncertain(o.Key)) objects.Add(ObjectLine(o.Key, o.ETag, o.Size ?? 0));
        var grouped = new List<string>();
        var prefixes = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", MaxKeys = 3 };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            grouped.AddRange((page.S3Objects ?? []).Where(o => !IsUncertain(o.Key)).Select(o => ObjectLine(o.Key, o.ETag, o.Size ?? 0)));
            prefixes.AddRange(page.CommonPrefixes ?? []);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        var versions = new List<string>();
        var versionRequest = new ListVersionsRequest { BucketName = bucket, MaxKeys = 61 };
        ListVersionsResponse versionPage;
        do
        {
            versionPage = await s3.ListVersionsAsync(versionRequest);
            versions.AddRange((versionPage.Versions ?? []).Where(v => !IsUncertain(v.Key))
                .Select(v => VersionLine(v.Key, v.VersionId, v.IsLatest ?? false, v.IsDeleteMarker ?? false, v.ETag, v.Size ?? 0)));
            versionRequest.KeyMarker = versionPage.NextKeyMarker;
            versionRequest.VersionIdMarker = versionPage.NextVersionIdMarker;
        }
        while (versionPage.IsTruncated == true);
        return (objects, grouped, prefixes, versions);
    }

    /// <summary>Every object ListObjectsV2 returns, page by page.</summary>
    public static async IAsyncEnumerable<S3Object> ListV2Async(IAmazonS3 s3, string bucket, string? prefix, int pageSize)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, MaxKeys = pageSize };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            foreach (var o in page.S3Objects ?? [])
                yield return o;
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
    }
}
