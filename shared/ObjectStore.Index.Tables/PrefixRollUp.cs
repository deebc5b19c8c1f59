using System.Text;

namespace ObjectStore.Index.Tables;

internal enum RollUpOutcome
{
    /// <summary>The key has no delimiter after the prefix: list it.</summary>
    None,
    /// <summary>The key's common prefix was added to the page; the scanner skips past it.</summary>
    Added,
    /// <summary>The common prefix was returned on an earlier page (the marker is at or inside it); skipped past.</summary>
    Skipped,
    /// <summary>The page is full: the listing is truncated.</summary>
    Full,
}

/// <summary>
/// The delimiter roll-up the object, version and upload listings share: a key holding the delimiter
/// after the prefix becomes its common prefix (unless a marker at or inside it says an earlier page
/// returned it), and the scanner seeks past the prefix (in every partition) instead of reading every key under it.
/// </summary>
internal sealed class PrefixRollUp(MergedRowScanner scanner, string prefix, string? delimiter, byte[]? markerBytes, int maxEntries)
{
    public List<string> CommonPrefixes { get; } = [];

    /// <summary>
    /// Lets a page of at least <see cref="ObjectRowScanner.MaxPageSize"/> entries end one entry short
    /// when the entry in hand is the last row a query returned and more may follow: that entry proves
    /// the page is truncated, and no second query is made for it (docs/index-schema.md, Listing).
    /// </summary>
    public bool EndShortAtQueryBoundary { get; init; }

    /// <summary>Called with a valid next entry in hand: true ends the page before it, truncated.</summary>
    /// <param name="entries">Entries (objects, versions, uploads) already on the page.</param>
    public bool PageIsFull(int entries)
    {
        var count = entries + CommonPrefixes.Count;
        return count == maxEntries
            || (EndShortAtQueryBoundary && count + 1 == maxEntries && maxEntries >= ObjectRowScanner.MaxPageSize && scanner.NextRowNeedsQuery);
    }

    /// <param name="entries">Entries (objects, versions, uploads) already on the page.</param>
    /// <param name="lowerKey">The listing's lower key bound; moved past the common prefix when one is rolled up.</param>
    public RollUpOutcome Offer(string key, int entries, ref byte[] lowerKey)
    {
        var at = delimiter is null ? -1 : key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
        if (at < 0)
            return RollUpOutcome.None;
        var commonPrefix = key[..(at + delimiter!.Length)];
        var commonPrefixBytes = Encoding.UTF8.GetBytes(commonPrefix);
        var alreadyReturned = markerBytes is not null && markerBytes.AsSpan().SequenceCompareTo(commonPrefixBytes) >= 0;
        if (!alreadyReturned)
        {
            if (PageIsFull(entries))
                return RollUpOutcome.Full;
            CommonPrefixes.Add(commonPrefix);
        }
        // UTF-8 never contains 0xFF, so the successor exists.
        lowerKey = KeyEncoding.Successor(commonPrefixBytes)!;
        scanner.PageSizeLimit = maxEntries - entries - CommonPrefixes.Count + 1;
        scanner.Seek(lowerKey);
        return alreadyReturned ? RollUpOutcome.Skipped : RollUpOutcome.Added;
    }
}
