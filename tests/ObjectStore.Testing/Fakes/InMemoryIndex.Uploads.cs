using System.Runtime.CompilerServices;
using ObjectStore.Index;

namespace ObjectStore.Testing.Fakes;

/// <summary>Upload and part rows, with the Table index's conditional semantics (tokens, open-only part commits).</summary>
public sealed partial class InMemoryIndex
{
    private readonly Dictionary<(string Bucket, string UploadId), UploadRecord> _uploads = [];
    private readonly SortedDictionary<(string Bucket, string UploadId, int Part), PartRecord> _parts = [];

    public IReadOnlyCollection<PartRecord> AllParts
    {
        get { lock (_lock) return [.. _parts.Values]; }
    }

    public IReadOnlyCollection<UploadRecord> AllUploads
    {
        get { lock (_lock) return [.. _uploads.Values]; }
    }

    public Task<IndexWriteResult> CreateUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        CheckKey(upload.Key);
        lock (_lock)
            return Task.FromResult(_uploads.TryAdd((upload.Bucket, upload.UploadId), upload with { ConcurrencyToken = NextToken() })
                ? IndexWriteResult.Success
                : IndexWriteResult.AlreadyExists);
    }

    public Task<UploadRecord?> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        lock (_lock)
            return Task.FromResult(_uploads.TryGetValue((bucket, uploadId), out var u) && u.Key == key ? u : null);
    }

    public Task<(IndexWriteResult Result, UploadRecord? Stored)> UpdateUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (upload.ConcurrencyToken is null)
            throw new ArgumentException("The upload has no concurrency token.", nameof(upload));
        lock (_lock)
        {
            if (!_uploads.TryGetValue((upload.Bucket, upload.UploadId), out var current) || current.Key != upload.Key)
                return Task.FromResult<(IndexWriteResult, UploadRecord?)>((IndexWriteResult.NotFound, null));
            if (current.ConcurrencyToken != upload.ConcurrencyToken)
                return Task.FromResult<(IndexWriteResult, UploadRecord?)>((IndexWriteResult.ConditionFailed, null));
            var stored = upload with { ConcurrencyToken = NextToken() };
            _uploads[(upload.Bucket, upload.UploadId)] = stored;
            return Task.FromResult<(IndexWriteResult, UploadRecord?)>((IndexWriteResult.Success, stored));
        }
    }

    public Task<IndexWriteResult> DeleteUploadAsync(UploadRecord upload, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_uploads.TryGetValue((upload.Bucket, upload.UploadId), out var current) || current.Key != upload.Key)
                return Task.FromResult(IndexWriteResult.NotFound);
            if (upload.ConcurrencyToken is not null && current.ConcurrencyToken != upload.ConcurrencyToken)
                return Task.FromResult(IndexWriteResult.ConditionFailed);
            _uploads.Remove((upload.Bucket, upload.UploadId));
            return Task.FromResult(IndexWriteResult.Success);
        }
    }

    public Task<PartWriteOutcome> CommitPartAsync(PartRecord part, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // The upload row is found by key and id, so a part naming another key finds none.
            if (!_uploads.TryGetValue((part.Bucket, part.UploadId), out var upload) || upload.Key != part.Key || upload.State != UploadState.Open)
                return Task.FromResult(new PartWriteOutcome(IndexWriteResult.NotFound, null));
            _uploads[(part.Bucket, part.UploadId)] = upload with { ConcurrencyToken = NextToken() };
            _parts.Remove((part.Bucket, part.UploadId, part.PartNumber), out var replaced);
            _parts[(part.Bucket, part.UploadId, part.PartNumber)] = part;
            return Task.FromResult(new PartWriteOutcome(IndexWriteResult.Success, replaced));
        }
    }

    public async IAsyncEnumerable<PartRecord> ListPartsAsync(string bucket, string uploadId, int afterPartNumber,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<PartRecord> parts;
        lock (_lock)
            parts = _parts.Values.Where(p => p.Bucket == bucket && p.UploadId == uploadId && p.PartNumber > afterPartNumber).ToList();
        foreach (var part in parts)
        {
            await Task.Yield();
            yield return part;
        }
    }

    public Task DeletePartsAsync(IReadOnlyList<PartRecord> parts, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var p in parts)
                _parts.Remove((p.Bucket, p.UploadId, p.PartNumber));
        }
        return Task.CompletedTask;
    }

    public Task<UploadListing> ListUploadsAsync(UploadListRequest request, CancellationToken cancellationToken)
    {
        List<UploadRecord> all;
        lock (_lock)
            all = _uploads.Values.Where(u => u.Bucket == request.Bucket && u.State != UploadState.Aborting)
                .OrderBy(u => u.Key, Comparer<string>.Create(Utf8Compare)).ThenBy(u => u.UploadId, StringComparer.Ordinal).ToList();
        var uploads = new List<UploadRecord>();
        var prefixes = new List<string>();
        string? lastKey = null, lastId = null;
        var truncated = false;
        foreach (var u in all)
        {
            if (!u.Key.StartsWith(request.Prefix, StringComparison.Ordinal)) continue;
            if (!string.IsNullOrEmpty(request.KeyMarker))
            {
                var c = Utf8Compare(u.Key, request.KeyMarker);
                if (c < 0 || (c == 0 && (string.IsNullOrEmpty(request.UploadIdMarker) || string.CompareOrdinal(u.UploadId, request.UploadIdMarker) <= 0)))
                    continue;
            }
            string? common = null;
            if (request.Delimiter is not null)
            {
                var at = u.Key.IndexOf(request.Delimiter, request.Prefix.Length, StringComparison.Ordinal);
                if (at >= 0) common = u.Key[..(at + request.Delimiter.Length)];
            }
            if (common is not null && (prefixes.Contains(common) || (!string.IsNullOrEmpty(request.KeyMarker) && Utf8Compare(request.KeyMarker, common) >= 0 && request.KeyMarker.StartsWith(common, StringComparison.Ordinal))))
                continue;
            if (uploads.Count + prefixes.Count == request.MaxUploads)
            {
                truncated = true;
                break;
            }
            if (common is not null) { prefixes.Add(common); (lastKey, lastId) = (common, null); }
            else { uploads.Add(u); (lastKey, lastId) = (u.Key, u.UploadId); }
        }
        return Task.FromResult(new UploadListing(uploads, prefixes, truncated, truncated ? lastKey : null, truncated ? lastId : null));
    }
}
