using System.Globalization;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

internal static partial class EntityMapping
{
    /// <summary>Row kind of upload rows: <c>u</c> + token(key) + <c>!</c> + upload id.</summary>
    public const string UploadRowPrefix = "u";
    /// <summary>First RowKey after all upload rows.</summary>
    public const string UploadRowsEnd = "v";
    /// <summary>Row kind of part rows: <c>p</c> + upload id + <c>!</c> + 5-digit part number.</summary>
    public const string PartRowPrefix = "p";

    /// <summary>What an upload listing reads: everything but headers, user metadata and tags.</summary>
    public static readonly string[] UploadListingColumns =
        ["RowKey", "Key", "UploadId", "Initiated", "StorageClass", "State", "StateChanged", "CompletingETag", "Owner", "ChecksumAlgorithm", "ChecksumType", "Encryption"];

    public static string UploadRowKey(string token, string uploadId) => UploadRowPrefix + token + VersionSeparator + uploadId;

    public static string PartRowKey(string uploadId, int partNumber) =>
        PartRowPrefix + uploadId + VersionSeparator + partNumber.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>The RowKey range [start, end) of an upload's part rows after <paramref name="afterPartNumber"/>.</summary>
    public static (string Start, string End) PartRows(string uploadId, int afterPartNumber) =>
        (PartRowKey(uploadId, afterPartNumber + 1), PartRowPrefix + uploadId + (char)(VersionSeparator + 1));

    public static TableEntity ToEntity(UploadRecord upload, string rowKey)
    {
        var entity = new TableEntity(upload.Bucket, rowKey)
        {
            ["Key"] = upload.Key,
            ["UploadId"] = upload.UploadId,
            ["Initiated"] = upload.Initiated,
            ["StorageClass"] = upload.StorageClass,
            ["State"] = upload.State.ToString(),
            ["StateChanged"] = upload.StateChanged,
            ["Owner"] = upload.Owner,
            ["Headers"] = ToJson(upload.Headers),
            ["UserMetadata"] = ToJson(upload.UserMetadata),
            ["Tags"] = ToJson(upload.Tags),
        };
        if (upload.CompletingETag is not null) entity["CompletingETag"] = upload.CompletingETag;
        if (upload.ChecksumAlgorithm is not null) entity["ChecksumAlgorithm"] = upload.ChecksumAlgorithm;
        if (upload.ChecksumType is not null) entity["ChecksumType"] = upload.ChecksumType;
        if (upload.Encryption is not null) entity["Encryption"] = upload.Encryption;
        if (upload.ObjectLock is not null) entity["ObjectLock"] = upload.ObjectLock;
        if (upload.Acl is not null) entity["Acl"] = upload.Acl;
        return entity;
    }

    public static UploadRecord ToUploadRecord(TableEntity entity) =>
        new(
            IndexPartitions.BucketOf(entity.PartitionKey),
            entity.GetString("Key") ?? throw new InvalidDataException($"Row {entity.RowKey} has no Key."),
            entity.GetString("UploadId") ?? "",
            entity.GetDateTimeOffset("Initiated") ?? DateTimeOffset.MinValue,
            entity.GetString("StorageClass") ?? "STANDARD")
        {
            State = Enum.TryParse<UploadState>(entity.GetString("State"), out var state) ? state : UploadState.Open,
            StateChanged = entity.GetDateTimeOffset("StateChanged") ?? DateTimeOffset.MinValue,
            CompletingETag = entity.GetString("CompletingETag"),
            Headers = FromJson(entity.GetString("Headers")),
            UserMetadata = FromJson(entity.GetString("UserMetadata")),
            Tags = FromJson(entity.GetString("Tags")),
            ChecksumAlgorithm = entity.GetString("ChecksumAlgorithm"),
            ChecksumType = entity.GetString("ChecksumType"),
            Owner = entity.GetString("Owner") ?? "",
            Encryption = entity.GetString("Encryption"),
            ConcurrencyToken = entity.ETag.ToString(),
            ObjectLock = entity.GetString("ObjectLock"),
            Acl = entity.GetString("Acl"),
        };

    public static TableEntity ToEntity(PartRecord part)
    {
        var entity = new TableEntity(part.Bucket, PartRowKey(part.UploadId, part.PartNumber))
        {
            ["Key"] = part.Key,
            ["UploadId"] = part.UploadId,
            ["PartNumber"] = part.PartNumber,
            ["Size"] = part.Size,
            ["ETag"] = part.ETag,
            ["LastModified"] = part.LastModified,
            ["DataLayout"] = part.DataLayout,
        };
        if (part.ChecksumAlgorithm is not null) entity["ChecksumAlgorithm"] = part.ChecksumAlgorithm;
        if (part.ChecksumValue is not null) entity["ChecksumValue"] = part.ChecksumValue;
        return entity;
    }

    public static PartRecord ToPartRecord(TableEntity entity) =>
        new(
            IndexPartitions.BucketOf(entity.PartitionKey),
            entity.GetString("Key") ?? "",
            entity.GetString("UploadId") ?? "",
            entity.GetInt32("PartNumber") ?? 0,
            entity.GetInt64("Size") ?? 0,
            entity.GetString("ETag") ?? "",
            entity.GetDateTimeOffset("LastModified") ?? DateTimeOffset.MinValue,
            entity.GetString("DataLayout") ?? "")
        {
            ChecksumAlgorithm = entity.GetString("ChecksumAlgorithm"),
            ChecksumValue = entity.GetString("ChecksumValue"),
        };
}
