using System.Globalization;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// The data scan over part ("p") and version ("v") rows for <see cref="TableObjectIndex"/> (which delegates
/// here): pages of the rows that reference data, and repair's layout updates of part rows.
/// </summary>
internal sealed class TableDataRows(TableClient objects, PartitionRouter router)
{
    private readonly TableClient _objects = objects;

    /// <summary>Columns a data scan reads from part ("p") and version ("v") rows.</summary>
    private static readonly string[] DataRowColumns =
        ["PartitionKey", "RowKey", "Key", "VersionId", "UploadId", "PartNumber", "Size", "StorageClass", EntityMapping.DeleteMarkerColumn, .. EntityMapping.DataLayoutColumns];

    public async Task<DataRowPage> ListDataRowsAsync(string bucket, string? after, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        // Part rows ("p...") sort before upload rows ("u...") and version rows ("v..."), partition after partition.
        var routing = await router.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        var rows = new List<DataRow>(Math.Min(maxRows, 1000));
        string? last = null;
        var scan = PartitionScan.RowsAsync(_objects, bucket, routing.ScanCount, after, (partitionKey, start) => TableClient.CreateQueryFilter(
            $"PartitionKey eq {partitionKey} and RowKey gt {start ?? EntityMapping.PartRowPrefix} and RowKey lt {EntityMapping.VersionRowsEnd} and (RowKey lt {EntityMapping.UploadRowPrefix} or RowKey ge {EntityMapping.VersionRowPrefix})"),
            Math.Min(maxRows, 1000), DataRowColumns, cancellationToken);
        await foreach (var entity in scan.ConfigureAwait(false))
        {
            last = IndexPartitions.PositionOf(entity);
            if (EntityMapping.ToDataRow(bucket, entity) is { } row)
                rows.Add(row with { Position = last });
            if (rows.Count == maxRows)
                return new DataRowPage(rows, last);
        }
        // The range ran out. Skipped delete markers still advance the position, but nothing follows.
        return new DataRowPage(rows, null);
    }

    public async Task<IndexWriteResult> UpdatePartLayoutAsync(DataRow part, string dataLayout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentException.ThrowIfNullOrEmpty(dataLayout);
        if (part.Kind != DataRowKind.Part)
            throw new ArgumentException("Only part rows change here; versions change through UpdateVersionAsync.", nameof(part));
        var (partitionKey, rowKey) = IndexPartitions.Address(part.Bucket, part.Position);
        var stored = await _objects.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["DataLayout"], cancellationToken).ConfigureAwait(false);
        if (!stored.HasValue)
            return IndexWriteResult.NotFound;
        if (stored.Value!.GetString("DataLayout") != part.DataLayout)
            return IndexWriteResult.ConditionFailed;
        try
        {
            await _objects.UpdateEntityAsync(new TableEntity(partitionKey, rowKey) { ["DataLayout"] = dataLayout }, stored.Value.ETag,
                TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return IndexWriteResult.Success;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 412)
        {
            return IndexWriteResult.ConditionFailed;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return IndexWriteResult.NotFound;
        }
    }
}

internal static partial class EntityMapping
{
    /// <summary>A part or version row as a scan sees it (read without its PartitionKey); null for a delete marker or inline data (nothing outside the row).</summary>
    public static DataRow? ToDataRow(string bucket, TableEntity entity)
    {
        if (entity.RowKey.StartsWith(PartRowPrefix, StringComparison.Ordinal))
        {
            var uploadId = entity.GetString("UploadId") ?? "";
            var part = entity.GetInt32("PartNumber") ?? 0;
            return new DataRow(DataRowKind.Part, bucket, entity.GetString("Key") ?? "",
                uploadId + "#" + part.ToString(CultureInfo.InvariantCulture), entity.GetInt64("Size") ?? 0,
                entity.GetString("DataLayout") ?? "", entity.RowKey);
        }
        if (IsDeleteMarker(entity))
            return null;
        var layout = ReadChunked(entity, "DataLayout");
        if (InlineLayout.IsInline(layout))
            return null; // its data is the row itself
        return new DataRow(DataRowKind.Version, bucket, entity.GetString("Key") ?? "",
            entity.GetString("VersionId") ?? "null", entity.GetInt64("Size") ?? 0, layout, entity.RowKey)
        {
            StorageClass = entity.GetString("StorageClass") ?? "STANDARD",
        };
    }
}
