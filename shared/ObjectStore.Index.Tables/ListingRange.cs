namespace ObjectStore.Index.Tables;

/// <summary>
/// The key range of one listing page: from the later of the prefix and the resume point, up to
/// (excluding) the prefix's successor, with that upper bound as a RowKey of the listed row kind.
/// </summary>
/// <param name="UpperKey">Null when every key after the prefix matches (the prefix is empty or all 0xFF).</param>
internal readonly record struct ListingRange(byte[] LowerKey, byte[]? UpperKey, string UpperRowKey)
{
    /// <param name="resumeAt">The first key the page may return (e.g. the key after a marker), or null.</param>
    /// <param name="rowPrefix">Row kind prefix of the listed rows.</param>
    /// <param name="rowsEnd">First RowKey after every row of that kind.</param>
    public static ListingRange Of(byte[] prefix, byte[]? resumeAt, string rowPrefix, string rowsEnd)
    {
        var lower = resumeAt is not null && resumeAt.AsSpan().SequenceCompareTo(prefix) > 0 ? resumeAt : prefix;
        var upper = KeyEncoding.Successor(prefix);
        return new ListingRange(lower, upper, upper is null ? rowsEnd : rowPrefix + KeyEncoding.UpperBoundExclusive(upper));
    }
}
