using Azure;

namespace ObjectStore.Index.Tables;

/// <summary>
/// What one index instance knows of its open uploads, for <see cref="TableUploads.CommitPartAsync"/>: a gate per
/// upload, so the part commits of one upload on this instance take turns instead of racing each other on the
/// upload row's ETag, and the upload row as last seen Open (its partition and ETag), so a part commit can touch
/// it without reading it first. A remembered row may be stale (another instance changed it): the touch is
/// conditional, so that costs a 412 and a re-read, never a commit the row's state forbids.
/// Bounded: at most <see cref="MaxEntries"/> entries not in use, none idle longer than <see cref="IdleLifetime"/>
/// once a later call sweeps.
/// </summary>
internal sealed class OpenUploadRows(TimeProvider time)
{
    internal const int MaxEntries = 1024;
    internal static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string Bucket, string UploadId), Entry> _entries = [];
    private readonly Lock _lock = new();
    private long _lastSweep = time.GetTimestamp();

    /// <summary>An upload row as last seen in state Open.</summary>
    internal sealed record Row(string Key, string PartitionKey, ETag ETag);

    internal int Count
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    /// <summary>Waits for this upload's turn; disposing the turn lets the next part commit of the upload in.</summary>
    public async Task<Turn> EnterAsync(string bucket, string uploadId, CancellationToken cancellationToken)
    {
        var id = (bucket, uploadId);
        Entry entry;
        lock (_lock)
        {
            entry = GetOrAdd(id);
            entry.Users++;
        }
        try
        {
            await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(id, entry);
            throw;
        }
        return new Turn(this, id, entry);
    }

    /// <summary>Notes the upload row as just read or written: remembered when Open, forgotten otherwise.</summary>
    public void Saw(string bucket, string uploadId, Row? openRow)
    {
        lock (_lock)
        {
            if (openRow is not null)
                GetOrAdd((bucket, uploadId)).Row = openRow;
            else if (_entries.TryGetValue((bucket, uploadId), out var entry))
            {
                entry.Row = null;
                if (entry.Users == 0)
                    _entries.Remove((bucket, uploadId));
            }
        }
    }

    private Entry GetOrAdd((string, string) id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            SweepIfDue();
            _entries[id] = entry = new Entry();
        }
        return Touch(entry);
    }

    private Entry Touch(Entry entry)
    {
        entry.LastUsed = time.GetTimestamp();
        return entry;
    }

    private void Leave((string, string) id, Entry entry)
    {
        lock (_lock)
        {
            Touch(entry).Users--;
            if (entry.Users == 0 && entry.Row is null)
                _entries.Remove(id);
        }
    }

    /// <summary>Drops idle entries once a minute, and the least recently used ones when there are too many.</summary>
    private void SweepIfDue()
    {
        var full = _entries.Count >= MaxEntries;
        if (!full && time.GetElapsedTime(_lastSweep) < IdleLifetime)
            return;
        _lastSweep = time.GetTimestamp();
        var unused = _entries.Where(e => e.Value.Users == 0).OrderBy(e => e.Value.LastUsed).ToList();
        var excess = _entries.Count - MaxEntries + 1;
        foreach (var (id, entry) in unused)
        {
            if (excess <= 0 && time.GetElapsedTime(entry.LastUsed) < IdleLifetime)
                break;
            _entries.Remove(id);
            excess--;
        }
    }

    internal sealed class Entry
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public int Users;
        public Row? Row;
        public long LastUsed;
    }

    /// <summary>One part commit's turn on its upload: the remembered row, read and replaced while it holds the turn.</summary>
    internal sealed class Turn : IDisposable
    {
        private readonly OpenUploadRows _owner;
        private readonly (string, string) _id;
        private readonly Entry _entry;
        private bool _left;

        internal Turn(OpenUploadRows owner, (string, string) id, Entry entry) => (_owner, _id, _entry) = (owner, id, entry);

        public Row? Row
        {
            get
            {
                lock (_owner._lock)
                    return _entry.Row;
            }
            set
            {
                lock (_owner._lock)
                    _entry.Row = value;
            }
        }

        public void Dispose()
        {
            if (_left)
                return;
            _left = true;
            _entry.Gate.Release();
            _owner.Leave(_id, _entry);
        }
    }
}
