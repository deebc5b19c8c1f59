namespace ObjectStore.Lifecycle;

/// <summary>
/// The S3 storage classes ObjectStore accepts on PUT, copy, multipart uploads and lifecycle
/// transitions, in order from warmest to coldest (the order lifecycle transitions must follow).
/// Each maps to an erasure profile through the data store's configuration
/// (<c>OBJECTSTORE_STORAGE_CLASSES</c>): the one place a class gains a profile or a shard backend.
/// </summary>
public static class StorageClasses
{
    public const string Standard = "STANDARD";
    public const string StandardIA = "STANDARD_IA";
    public const string OneZoneIA = "ONEZONE_IA";
    public const string IntelligentTiering = "INTELLIGENT_TIERING";
    public const string GlacierIR = "GLACIER_IR";
    public const string Glacier = "GLACIER";
    public const string DeepArchive = "DEEP_ARCHIVE";
    /// <summary>Accepted on PUT for old clients and stored as given (S3 still accepts it); not a transition target.</summary>
    public const string ReducedRedundancy = "REDUCED_REDUNDANCY";

    /// <summary>Warmest first. Transitions go only to a class later in this list.</summary>
    public static readonly IReadOnlyList<string> ByTemperature =
        [Standard, IntelligentTiering, StandardIA, OneZoneIA, GlacierIR, Glacier, DeepArchive];

    /// <summary>Every class a request may name.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(ByTemperature.Append(ReducedRedundancy), StringComparer.Ordinal);

    /// <summary>Classes a lifecycle transition may name (S3 refuses STANDARD as a target).</summary>
    public static readonly IReadOnlySet<string> TransitionTargets = new HashSet<string>(ByTemperature.Skip(1), StringComparer.Ordinal);

    /// <summary>Archive classes: GET answers InvalidObjectState until a RestoreObject made a temporary copy.</summary>
    public static bool IsArchive(string storageClass) => storageClass is Glacier or DeepArchive;

    /// <summary>Position in <see cref="ByTemperature"/> (REDUCED_REDUNDANCY and unknown classes count as STANDARD).</summary>
    public static int Temperature(string storageClass)
    {
        for (var i = 0; i < ByTemperature.Count; i++)
        {
            if (ByTemperature[i] == storageClass) return i;
        }
        return 0;
    }

    /// <summary>The default erasure profile of each class over the default three zones (see README: storage classes).</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultProfiles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Standard] = "4+2",
        [ReducedRedundancy] = "4+2",
        [IntelligentTiering] = "4+2",
        [StandardIA] = "8+4",
        [OneZoneIA] = "8+4",
        [GlacierIR] = "8+4",
        [Glacier] = "10+5",
        [DeepArchive] = "10+5",
    };
}
