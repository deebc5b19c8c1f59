namespace ObjectStore.Index;

/// <summary>A bucket's versioning state, as S3 defines it (a bucket once versioned never goes back to Unversioned).</summary>
public enum BucketVersioning { Unversioned, Enabled, Suspended }

public static class BucketVersioningExtensions
{
    public const string Enabled = "Enabled";
    public const string Suspended = "Suspended";

    /// <summary>The state of a bucket from its stored status ("Enabled", "Suspended" or null).</summary>
    public static BucketVersioning VersioningState(this BucketRecord bucket) => bucket.Versioning switch
    {
        Enabled => BucketVersioning.Enabled,
        Suspended => BucketVersioning.Suspended,
        _ => BucketVersioning.Unversioned,
    };
}

/// <summary>The version id of versions written while versioning was not enabled.</summary>
public static class VersionIds
{
    public const string Null = "null";

    /// <summary>Length of every version id other than <see cref="Null"/>.</summary>
    public const int Length = 16;

    /// <summary>
    /// "null", or 16 characters of <c>-0-9A-Z_a-z</c> (the form every index issues): anything else cannot
    /// name a version, and S3 answers it with InvalidArgument rather than NoSuchVersion.
    /// </summary>
    public static bool IsWellFormed(string id) =>
        id == Null || (id.Length == Length && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
}

/// <param name="KeyMarker">List keys after this one (with <paramref name="VersionIdMarker"/>: that key's versions after that version).</param>
/// <param name="VersionIdMarker">Resume after this version of <paramref name="KeyMarker"/>.</param>
public sealed record VersionListRequest(string Bucket, string Prefix, string? Delimiter, string? KeyMarker, string? VersionIdMarker, int MaxKeys);

/// <param name="Version">The version (or delete marker); listing columns only, as in <see cref="ObjectListing"/>.</param>
/// <param name="IsLatest">This is the key's latest version.</param>
public sealed record VersionEntry(ObjectRecord Version, bool IsLatest);

/// <param name="Entries">Versions in S3 order (key, then newest first), at most MaxKeys together with the prefixes.</param>
/// <param name="NextKeyMarker">With <paramref name="NextVersionIdMarker"/>, where the next page starts, when truncated.</param>
public sealed record VersionListing(
    IReadOnlyList<VersionEntry> Entries,
    IReadOnlyList<string> CommonPrefixes,
    bool IsTruncated,
    string? NextKeyMarker,
    string? NextVersionIdMarker);
