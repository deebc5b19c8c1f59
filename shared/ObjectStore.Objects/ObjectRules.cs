using System.Text;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>S3's limits on object attributes: storage classes, user metadata, tags.</summary>
internal static class ObjectRules
{
    public const string StandardClass = "STANDARD";
    public const int MaxUserMetadataBytes = 2 * 1024;
    public const int MaxObjectTags = 10;
    public const int MaxBucketTags = 50;
    public const int MaxTagKeyLength = 128;
    public const int MaxTagValueLength = 256;

    public static IReadOnlySet<string> StorageClasses => Lifecycle.StorageClasses.All;

    /// <summary>The storage class to store: STANDARD when absent; InvalidStorageClass when unknown.</summary>
    public static string StorageClass(string? requested)
    {
        if (string.IsNullOrEmpty(requested)) return StandardClass;
        if (!StorageClasses.Contains(requested))
            throw new S3Exception(S3Errors.InvalidStorageClass) { Details = new Dictionary<string, string> { ["StorageClassRequested"] = requested } };
        return requested;
    }

    /// <summary>S3 measures user metadata as the UTF-8 bytes of every name and value; at most 2 KB.</summary>
    public static void CheckUserMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var size = 0;
        foreach (var (name, value) in metadata)
            size += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        if (size > MaxUserMetadataBytes)
            throw new S3Exception(S3Errors.MetadataTooLarge)
            {
                Details = new Dictionary<string, string> { ["Size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture), ["MaxSizeAllowed"] = MaxUserMetadataBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
    }

    /// <summary>Validates a tag set (count, lengths, duplicates, reserved prefix) and returns it as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> Tags(IReadOnlyList<KeyValuePair<string, string>> tags, int maxTags)
    {
        if (tags.Count > maxTags)
            throw new S3Exception(S3Errors.InvalidTag, $"Object tags cannot be greater than {maxTags}");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > MaxTagKeyLength)
                throw new S3Exception(S3Errors.InvalidTag, "The TagKey you have provided is invalid");
            if (value.Length > MaxTagValueLength)
                throw new S3Exception(S3Errors.InvalidTag, "The TagValue you have provided is invalid");
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                throw new S3Exception(S3Errors.InvalidTag, "Your TagKey cannot be prefixed with aws:");
            if (!result.TryAdd(key, value))
                throw new S3Exception(S3Errors.InvalidTag, "Cannot provide multiple Tags with the same key");
        }
        return result;
    }
}
