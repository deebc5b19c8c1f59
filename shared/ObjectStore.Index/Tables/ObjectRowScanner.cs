using Azure;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Reads current-version rows of one bucket in S3 key order, from a lower key bound that only
/// moves forward (<see cref="SeekAsync"/>) to a fixed upper RowKey. Overflow groups (keys sharing
/// their first <see cref="KeyEncoding.MaxDirectBytes"/> bytes) are read whole and sorted by key.
/// A seek past the rows already fetched starts a new range query instead of paging through the
/// rows in between; that is how a delimiter listing skips a common prefix.
/// </summary>
internal sealed class ObjectRowScanner(TableClient table, string partitionKey, string upperRowKey, IEnumerable<string> select) : IAsyncDisposable
{
    private const int MinPageSize = 32;
    private const int MaxPageSize = 1000;

    private readonly string[] _select = ["PartitionKey", .. select];
    private readonly Queue<TableEntity> _ready = new();
    private IAsyncEnumerator<Page<TableEntity>>? _pages;
    private IReadOnlyList<TableEntity> _page = [];
    private int _index;
    private bool _hasMorePages;
    private string? _pendingQueryLower = EntityMapping.ObjectRowPrefix;
    private int _pageSize = MaxPageSize;

    /// <summary>Range queries started (each is one or more round trips).</summary>
    public int QueriesStarted { get; private set; }
    public int PagesRead { get; private set; }
    public int RowsRead { get; private set; }

    /// <summary>Upper bound for the next page size, e.g. the entries still wanted plus one.</summary>
    public int PageSizeLimit { get; set; } = MaxPageSize;

    /// <summary>Rows whose key is below <paramref name="lowerKey"/> need not be returned any more.</summary>
    public async ValueTask SeekAsync(byte[] lowerKey, CancellationToken cancellationToken)
    {
        while (_ready.Count > 0 && KeyBytes(_ready.Peek()).AsSpan().SequenceCompareTo(lowerKey) < 0)
            _ready.Dequeue();
        if (_ready.Count > 0)
            return;
        var lowerRowKey = EntityMapping.ObjectRowPrefix + KeyEncoding.LowerBoundInclusive(lowerKey);
        while (_index < _page.Count && string.CompareOrdinal(_page[_index].RowKey, lowerRowKey) < 0)
            _index++;
        if (_index < _page.Count)
            return;
        if (_pendingQueryLower is not null || _hasMorePages)
        {
            // Skipping: a fresh range query beats paging through what lies between.
            if (_pages is not null)
                _pageSize = Math.Max(MinPageSize, _pageSize / 2);
            await CloseQueryAsync().ConfigureAwait(false);
            _pendingQueryLower = lowerRowKey;
        }
    }

    /// <summary>The next row in key order, or null at the end of the range.</summary>
    public async ValueTask<TableEntity?> NextAsync(CancellationToken cancellationToken)
    {
        if (_ready.Count > 0)
            return _ready.Dequeue();
        var row = await NextInRowKeyOrderAsync(cancellationToken).ConfigureAwait(false);
        if (row is null || !IsOverflowRow(row.RowKey))
            return row;

        // Gather the whole group (it may span pages), then hand it out in key order.
        var group = GroupOf(row.RowKey);
        var members = new List<TableEntity> { row };
        while (true)
        {
            if (_index == _page.Count && !await FetchPageAsync(cancellationToken).ConfigureAwait(false))
                break;
            var next = _page[_index];
            if (!IsOverflowRow(next.RowKey) || GroupOf(next.RowKey) != group)
                break;
            members.Add(next);
            _index++;
        }
        members.Sort((a, b) => Utf8KeyComparer.Instance.Compare(a.GetString("Key"), b.GetString("Key")));
        foreach (var member in members)
            _ready.Enqueue(member);
        return _ready.Dequeue();
    }

    private async ValueTask<TableEntity?> NextInRowKeyOrderAsync(CancellationToken cancellationToken)
    {
        if (_index == _page.Count && !await FetchPageAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return _page[_index++];
    }

    private async ValueTask<bool> FetchPageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_pendingQueryLower is not null)
            {
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {partitionKey} and RowKey ge {_pendingQueryLower} and RowKey lt {upperRowKey}");
                var size = Math.Clamp(Math.Min(_pageSize, PageSizeLimit), 1, MaxPageSize);
                _pages = table.QueryAsync<TableEntity>(filter, size, _select, cancellationToken)
                    .AsPages(pageSizeHint: size).GetAsyncEnumerator(cancellationToken);
                _pendingQueryLower = null;
                _hasMorePages = true;
                QueriesStarted++;
            }
            if (_pages is null || !_hasMorePages || !await _pages.MoveNextAsync().ConfigureAwait(false))
            {
                _hasMorePages = false;
                return false;
            }
            var page = _pages.Current;
            PagesRead++;
            RowsRead += page.Values.Count;
            _hasMorePages = page.ContinuationToken is not null;
            _page = page.Values;
            _index = 0;
            if (_page.Count > 0)
            {
                // Read through without a skip: larger pages next time.
                _pageSize = Math.Min(MaxPageSize, _pageSize * 2);
                return true;
            }
        }
    }

    private async ValueTask CloseQueryAsync()
    {
        if (_pages is not null)
            await _pages.DisposeAsync().ConfigureAwait(false);
        _pages = null;
        _page = [];
        _index = 0;
        _hasMorePages = false;
    }

    private static bool IsOverflowRow(string rowKey) => KeyEncoding.IsOverflow(rowKey.AsSpan(EntityMapping.ObjectRowPrefix.Length));

    private static string GroupOf(string rowKey) => KeyEncoding.GroupOf(rowKey.AsSpan(EntityMapping.ObjectRowPrefix.Length)).ToString();

    private static byte[] KeyBytes(TableEntity row) => System.Text.Encoding.UTF8.GetBytes(row.GetString("Key") ?? "");

    public ValueTask DisposeAsync() => CloseQueryAsync();
}
