using System.Text;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Rows of one kind of a bucket whose index spans several Table partitions, in S3 key order: a k-way
/// merge over one <see cref="ObjectRowScanner"/> per partition key (each in key order, its overflow
/// groups sorted by that scanner). The merge holds the next row of every partition; taking one reads
/// that partition's next row on the following <see cref="NextAsync"/> (a round trip only when its
/// page is used up), and the heads of several partitions (the first page, after a seek) are read
/// concurrently.
/// <para>
/// Each partition reads only its share of the page: keys are spread by a hash, so of the next R rows
/// in key order one of N partitions holds about R/N (binomial, standard deviation about √(R/N)). A
/// partition's page is sized R/N + 3√(R/N) + 2, with R the rows the page still needs
/// (<see cref="PageSizeLimit"/> less the rows handed out since it was set), so a page rarely needs a
/// second round trip in any partition; a partition that runs dry anyway holds more than its share and
/// doubles its next page. One partition reads R rows, exactly as a lone scanner did.
/// </para>
/// <para>
/// A delimiter listing's pages adapt to the common prefixes it skips (<see cref="ObjectRowScanner"/>): there each
/// partition starts at 1/N of a lone scanner's first page and counts a skipped run of 1/N of the rows a round trip
/// is worth, since a common prefix is spread over every partition. A round over all partitions then reads as many
/// rows as one page of a lone scanner, in N concurrent queries.
/// </para>
/// <para>
/// Among rows of one key (a key moved by a partition split: a stub in the old partition, the live row
/// in the new), live rows come first and moved-key stubs after, then by partition order.
/// </para>
/// </summary>
internal sealed class MergedRowScanner
{
    private readonly ObjectRowScanner[] _scanners;
    private readonly bool[] _pending;
    private readonly bool[] _exhausted;
    private readonly int[] _refills;
    private readonly Head?[] _heads;
    private readonly PriorityQueue<Head, Head> _queue = new(HeadOrder.Instance);
    private int _pageSizeLimit = ObjectRowScanner.MaxPageSize;
    private int _handedOut;
    private int _live;

    /// <param name="partitionKeys">The bucket's partition keys (at least one).</param>
    /// <param name="initialPageSize">
    /// A lone scanner's first page: below <see cref="ObjectRowScanner.MaxPageSize"/> (adapting pages of a delimiter
    /// listing) it is split over the partitions; a full page is bounded by each partition's share instead.
    /// </param>
    public MergedRowScanner(TableClient table, IReadOnlyList<string> partitionKeys, string rowPrefix, string upperRowKey, IEnumerable<string> select, int initialPageSize)
    {
        ArgumentNullException.ThrowIfNull(partitionKeys);
        if (partitionKeys.Count == 0)
            throw new ArgumentException("A bucket has at least one index partition.", nameof(partitionKeys));
        var columns = select.ToArray();
        var n = partitionKeys.Count;
        var firstPage = initialPageSize >= ObjectRowScanner.MaxPageSize ? initialPageSize : initialPageSize / n;
        var skipRunWorthAQuery = Math.Max(1, ObjectRowScanner.RowsWorthARoundTrip / n);
        _scanners = partitionKeys.Select(p => new ObjectRowScanner(table, p, rowPrefix, upperRowKey, columns, firstPage, skipRunWorthAQuery)).ToArray();
        _pending = Enumerable.Repeat(true, _scanners.Length).ToArray();
        _exhausted = new bool[_scanners.Length];
        _refills = new int[_scanners.Length];
        _heads = new Head?[_scanners.Length];
        _live = _scanners.Length;
    }

    /// <summary>Range queries started, over every partition.</summary>
    public int QueriesStarted => _scanners.Sum(s => s.QueriesStarted);
    public int PagesRead => _scanners.Sum(s => s.PagesRead);
    public int RowsRead => _scanners.Sum(s => s.RowsRead);

    /// <summary>The rows the page may still take, e.g. the entries still wanted plus one; sizes every partition's next page.</summary>
    public int PageSizeLimit
    {
        get => _pageSizeLimit;
        set
        {
            _pageSizeLimit = Math.Max(1, value);
            _handedOut = 0;
        }
    }

    /// <summary>
    /// The next <see cref="NextAsync"/> would start a round trip before it can tell which row comes next
    /// (the partition whose row was taken last has used up its page and may hold more).
    /// </summary>
    public bool NextRowNeedsQuery
    {
        get
        {
            for (var i = 0; i < _scanners.Length; i++)
                if (_pending[i] && !_exhausted[i] && _scanners[i].NextRowNeedsQuery)
                    return true;
            return false;
        }
    }

    /// <summary>
    /// Rows whose key is below <paramref name="lowerKey"/> need not be returned any more, in any partition:
    /// one key bound resumes every partition (a partition's pending rows are skipped in memory, or its
    /// range query restarts at the bound, as for a lone scanner).
    /// </summary>
    public void Seek(byte[] lowerKey)
    {
        var dropped = false;
        for (var i = 0; i < _scanners.Length; i++)
        {
            if (_exhausted[i])
                continue;
            if (_heads[i] is { } head)
            {
                if (head.Key.AsSpan().SequenceCompareTo(lowerKey) >= 0)
                    continue; // this partition's rows are all at or past the bound already
                _heads[i] = null;
                _pending[i] = true;
                dropped = true;
            }
            _scanners[i].Seek(lowerKey);
        }
        if (!dropped)
            return;
        _queue.Clear();
        foreach (var head in _heads)
            if (head is not null)
                _queue.Enqueue(head, head);
    }

    /// <summary>The next row in key order over every partition, or null when every partition's range is done.</summary>
    public async ValueTask<TableEntity?> NextAsync(CancellationToken cancellationToken)
    {
        await ReadPendingHeadsAsync(cancellationToken).ConfigureAwait(false);
        if (!_queue.TryDequeue(out var next, out _))
            return null;
        _heads[next.Partition] = null;
        _pending[next.Partition] = true;
        _handedOut++;
        return next.Row;
    }

    private async ValueTask ReadPendingHeadsAsync(CancellationToken cancellationToken)
    {
        // Page sizes are decided before any read changes the live count.
        int first = -1, count = 0;
        for (var i = 0; i < _scanners.Length; i++)
        {
            if (!_pending[i] || _exhausted[i])
                continue;
            if (count++ == 0)
                first = i;
            SizeNextPage(i);
        }
        if (count == 0)
            return;
        if (count == 1)
        {
            Accept(first, await _scanners[first].NextAsync(cancellationToken).ConfigureAwait(false));
            return;
        }
        // Start every read, then wait for those that went to the table (the rest came from fetched pages).
        var queries = new Task<TableEntity?>?[_scanners.Length];
        List<Task>? waits = null;
        for (var i = first; i < _scanners.Length; i++)
        {
            if (!_pending[i] || _exhausted[i])
                continue;
            var read = _scanners[i].NextAsync(cancellationToken);
            if (read.IsCompletedSuccessfully)
                Accept(i, read.Result);
            else
                (waits ??= []).Add(queries[i] = read.AsTask());
        }
        if (waits is null)
            return;
        await Task.WhenAll(waits).ConfigureAwait(false);
        for (var i = first; i < _scanners.Length; i++)
            if (queries[i] is { } query)
                Accept(i, await query.ConfigureAwait(false));
    }

    /// <summary>Takes a partition's next row as its head (null: the partition's range is done).</summary>
    private void Accept(int partition, TableEntity? row)
    {
        _pending[partition] = false;
        if (row is null)
        {
            _exhausted[partition] = true;
            _live--;
            return;
        }
        var head = new Head(row, Encoding.UTF8.GetBytes(row.GetString("Key") ?? ""), EntityMapping.IsMovedStub(row), partition);
        _heads[partition] = head;
        _queue.Enqueue(head, head);
    }

    private void SizeNextPage(int partition)
    {
        var scanner = _scanners[partition];
        if (!scanner.NextRowNeedsQuery)
            return;
        var remaining = Math.Max(1, _pageSizeLimit - _handedOut);
        if (_live <= 1)
        {
            scanner.PageSizeLimit = remaining;
            return;
        }
        // Each further page doubles the bound: a partition that runs dry before the others holds more than its
        // share, and a delimiter listing uses up rows faster than entries (the scanner's own page size, which
        // shrinks after skipping a big common prefix, still applies below this bound).
        if (scanner.PagesRead > 0)
            _refills[partition]++;
        var share = (double)remaining / _live;
        var size = (share + 3 * Math.Sqrt(share) + 2) * (1 << Math.Min(_refills[partition], 10));
        scanner.PageSizeLimit = (int)Math.Min(remaining, Math.Ceiling(size));
    }

    private sealed record Head(TableEntity Row, byte[] Key, bool Moved, int Partition);

    /// <summary>Key bytes; among rows of one key, live rows before moved-key stubs; then partition order.</summary>
    private sealed class HeadOrder : IComparer<Head>
    {
        public static readonly HeadOrder Instance = new();

        public int Compare(Head? x, Head? y)
        {
            var byKey = x!.Key.AsSpan().SequenceCompareTo(y!.Key);
            if (byKey != 0)
                return byKey;
            if (x.Moved != y.Moved)
                return x.Moved ? 1 : -1;
            return x.Partition.CompareTo(y.Partition);
        }
    }
}
