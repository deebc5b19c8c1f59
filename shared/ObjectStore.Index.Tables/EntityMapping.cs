using System.Text.Json;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>Converts records to and from Table entities. Column names are the stored schema (docs/index-schema.md).</summary>
internal static partial class EntityMapping
{
    /// <summary>RowKey of a bucket's one row in the buckets table (PartitionKey is the bucket name).</summary>
    public const string BucketRowKey = "";

    /// <summary>Row kind prefix of current-version rows in an objects partition.</summary>
    public const string ObjectRowPrefix = "o";
    /// <summary>First RowKey after all current-version rows.</summary>
    public const string ObjectRowsEnd = "p";

    /// <summary>Row kind prefix of version rows (every version and delete marker, newest first per key).</summary>
    public const string VersionRowPrefix = "v";
    /// <summary>First RowKey after all version rows.</summary>
    public const string VersionRowsEnd = "w";
    /// <summary>Separates a key's token from the version stamp; sorts below every token character.</summary>
    public const char VersionSeparator = '!';

    /// <summary>Column of current rows naming the stamp of their version row.</summary>
    public const string VersionRowColumn = "VersionRow";
    public const string DeleteMarkerColumn = "IsDeleteMarker";

    // Table caps a string property at 64 KiB (32K UTF-16 characters); long values spill into numbered columns.
    private const int ChunkChars = 32_000;
    private const int MaxChunks = 8;
    private const string ConfigurationColumnPrefix = "Cfg_";
    /// <summary>Binary column of a version's inline data (ObjectRecord.InlineData); never selected by listings.</summary>
    public const string InlineDataColumn = "Inline";

    public static readonly string[] DataLayoutColumns =
        Enumerable.Range(0, MaxChunks).Select(i => ChunkColumn("DataLayout", i)).ToArray();

    /// <summary>Object Lock columns (listed too: lifecycle judges locks from its listing).</summary>
    public static readonly string[] ObjectLockColumns = ["ObjectLockMode", "ObjectLockRetainUntil", "ObjectLockLegalHold"];

    /// <summary>
    /// Boolean column of a moved-key stub: a current row a partition split left behind when it moved the
    /// key to another partition of the bucket. Listings never list a stub (docs/index-schema.md, Listing).
    /// </summary>
    public const string MovedColumn = "Moved";

    /// <summary>What a listing reads: everything but headers, user metadata and tags.</summary>
    public static readonly string[] ListingColumns =
        ["RowKey", "Key", "VersionId", "Size", "ETag", "LastModified", "StorageClass", "Owner", "ChecksumAlgorithm", "ChecksumValue", DeleteMarkerColumn, "RestoreExpiry", "RestoreLayout", "RestoreRequestedAt", "RestoreDays", "Encryption", .. DataLayoutColumns,
            .. ObjectLockColumns, MovedColumn];

    public static bool IsMovedStub(TableEntity entity) => entity.GetBoolean(MovedColumn) == true;

    public static string ObjectRowKey(string token) => ObjectRowPrefix + token;

    public static string VersionRowKey(string token, string stamp) => VersionRowPrefix + token + VersionSeparator + stamp;

    /// <summary>The RowKey range [lower, upper) of every version row of the key with this token.</summary>
    public static (string Lower, string Upper) VersionRowRange(string token) =>
        (VersionRowPrefix + token + VersionSeparator, VersionRowPrefix + token + (char)(VersionSeparator + 1));

    /// <summary>A current or version row of <paramref name="record"/>, whose version row has <paramref name="stamp"/>.</summary>
    public static TableEntity ToEntity(ObjectRecord record, string rowKey, string stamp)
    {
        var entity = ToEntity(record, rowKey);
        entity[VersionRowColumn] = stamp;
        return entity;
    }

    public static TableEntity ToEntity(ObjectRecord record, string rowKey)
    {
        var entity = new TableEntity(record.Bucket, rowKey)
        {
            ["Key"] = record.Key,
            ["VersionId"] = record.VersionId,
            ["Size"] = record.Size,
            ["ETag"] = record.ETag,
            ["LastModified"] = record.LastModified,
            ["StorageClass"] = record.StorageClass,
            ["Owner"] = record.Owner,
            ["Headers"] = ToJson(record.Headers),
            ["UserMetadata"] = ToJson(record.UserMetadata),
            ["Tags"] = ToJson(record.Tags),
        };
        if (record.ChecksumAlgorithm is not null) entity["ChecksumAlgorithm"] = record.ChecksumAlgorithm;
        if (record.ChecksumValue is not null) entity["ChecksumValue"] = record.ChecksumValue;
        if (record.IsDeleteMarker) entity[DeleteMarkerColumn] = true;
        if (record.RestoreExpiry is { } restoreExpiry) entity["RestoreExpiry"] = restoreExpiry;
        if (record.RestoreLayout is not null) entity["RestoreLayout"] = record.RestoreLayout;
        if (record.RestoreRequestedAt is { } restoreRequestedAt) entity["RestoreRequestedAt"] = restoreRequestedAt;
        if (record.RestoreDays is { } restoreDays) entity["RestoreDays"] = restoreDays;
        if (record.Encryption is not null) entity["Encryption"] = record.Encryption;
        if (record.Acl is not null) entity["Acl"] = record.Acl;
        WriteChunked(entity, "DataLayout", record.DataLayout);
        if (record.ObjectLockMode is not null) entity["ObjectLockMode"] = record.ObjectLockMode;
        if (record.ObjectLockRetainUntil is { } retainUntil) entity["ObjectLockRetainUntil"] = retainUntil;
        // Absent: never set (rows written before OFF was kept read so too); false: set OFF.
        if (record.ObjectLockLegalHold is { } hold) entity["ObjectLockLegalHold"] = hold;
        if (record.InlineData is { } inline && InlineLayout.IsInline(record.DataLayout)) entity[InlineDataColumn] = InlineBytes(inline);
        return entity;
    }

    public static ObjectRecord ToObjectRecord(TableEntity entity) =>
        new(
            IndexPartitions.BucketOf(entity.PartitionKey),
            entity.GetString("Key") ?? throw new InvalidDataException($"Row {entity.RowKey} has no Key."),
            entity.GetString("VersionId") ?? "null",
            entity.GetInt64("Size") ?? 0,
            entity.GetString("ETag") ?? "",
            entity.GetDateTimeOffset("LastModified") ?? entity.Timestamp ?? DateTimeOffset.MinValue,
            entity.GetString("StorageClass") ?? "STANDARD",
            ReadChunked(entity, "DataLayout"))
        {
            Headers = FromJson(entity.GetString("Headers")),
            UserMetadata = FromJson(entity.GetString("UserMetadata")),
            Tags = FromJson(entity.GetString("Tags")),
            ChecksumAlgorithm = entity.GetString("ChecksumAlgorithm"),
            ChecksumValue = entity.GetString("ChecksumValue"),
            Owner = entity.GetString("Owner") ?? "",
            IsDeleteMarker = IsDeleteMarker(entity),
            RestoreExpiry = entity.GetDateTimeOffset("RestoreExpiry"),
            RestoreLayout = entity.GetString("RestoreLayout"),
            RestoreRequestedAt = entity.GetDateTimeOffset("RestoreRequestedAt"),
            RestoreDays = entity.GetInt32("RestoreDays"),
            Encryption = entity.GetString("Encryption"),
            ConcurrencyToken = entity.ETag.ToString(),
            ObjectLockMode = entity.GetString("ObjectLockMode"),
            ObjectLockRetainUntil = entity.GetDateTimeOffset("ObjectLockRetainUntil"),
            ObjectLockLegalHold = entity.GetBoolean("ObjectLockLegalHold"),
            InlineData = entity.GetBinary(InlineDataColumn).AsNullableMemory(),
            Acl = entity.GetString("Acl"),
        };

    public static bool IsDeleteMarker(TableEntity entity) => entity.GetBoolean(DeleteMarkerColumn) == true;

    /// <summary>The stamp of the version row a current row mirrors; null for rows written before version rows existed.</summary>
    public static string? VersionRowOf(TableEntity entity) => entity.GetString(VersionRowColumn);

    public static TableEntity ToEntity(BucketRecord record)
    {
        var entity = new TableEntity(record.Name, BucketRowKey)
        {
            ["CreatedAt"] = record.CreatedAt,
            ["Region"] = record.Region,
            ["Owner"] = record.Owner,
            ["Tags"] = ToJson(record.Tags),
        };
        if (record.Versioning is not null) entity["Versioning"] = record.Versioning;
        foreach (var (name, value) in record.Configuration)
        {
            if (name.Length == 0 || !name.All(char.IsAsciiLetterOrDigit))
                throw new ArgumentException($"Bucket configuration name '{name}' must be ASCII letters and digits.", nameof(record));
            WriteChunked(entity, ConfigurationColumnPrefix + name, value);
        }
        return entity;
    }

    public static BucketRecord ToBucketRecord(TableEntity entity)
    {
        var configuration = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in entity.Keys)
        {
            if (!column.StartsWith(ConfigurationColumnPrefix, StringComparison.Ordinal)) continue;
            var name = column[ConfigurationColumnPrefix.Length..];
            if (name.Contains('_')) continue; // a spill column, read with its head
            configuration[name] = ReadChunked(entity, column);
        }
        return new BucketRecord(
            entity.PartitionKey,
            entity.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.MinValue,
            entity.GetString("Region") ?? "",
            entity.GetString("Owner") ?? "")
        {
            Tags = FromJson(entity.GetString("Tags")),
            Versioning = entity.GetString("Versioning"),
            Configuration = configuration,
            ConcurrencyToken = entity.ETag.ToString(),
        };
    }

    private static string ChunkColumn(string name, int index) => index == 0 ? name : $"{name}_{index}";

    internal static void WriteChunked(TableEntity entity, string name, string value)
    {
        var chunks = (value.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > MaxChunks)
            throw new ArgumentException($"{name} is {value.Length} characters; at most {ChunkChars * MaxChunks} fit in one row.");
        entity[name] = value.Length <= ChunkChars ? value : value[..ChunkChars];
        for (var i = 1; i < chunks; i++)
            entity[ChunkColumn(name, i)] = value.Substring(i * ChunkChars, Math.Min(ChunkChars, value.Length - i * ChunkChars));
    }

    internal static string ReadChunked(TableEntity entity, string name)
    {
        var head = entity.GetString(name) ?? "";
        if (head.Length < ChunkChars)
            return head;
        var builder = new System.Text.StringBuilder(head);
        for (var i = 1; i < MaxChunks && entity.GetString(ChunkColumn(name, i)) is { } next; i++)
            builder.Append(next);
        return builder.ToString();
    }

    private static byte[] InlineBytes(ReadOnlyMemory<byte> inline) =>
        inline.Length <= InlineLayout.MaxStoredBytes
            ? inline.ToArray()
            : throw new ArgumentException($"Inline data of {inline.Length} bytes; at most {InlineLayout.MaxStoredBytes} fit in one row.", nameof(inline));

    public static string TagsJson(IReadOnlyDictionary<string, string> tags) => ToJson(tags);

    private static string ToJson(IReadOnlyDictionary<string, string> values) =>
        values.Count == 0 ? "{}" : JsonSerializer.Serialize(values);

    private static Dictionary<string, string> FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
}
