using System.Globalization;
using System.Text;
using ObjectStore.Index;

namespace ObjectStore.Testing.Fakes;

/// <summary>
/// Data-row scans: part rows (by upload id and part number), then version rows (by key in S3 order),
/// delete markers skipped. A position is an ordinal-sorting string: "p" + upload id + "!" + part, or
/// "v" + the key's UTF-8 in hex + "!" + version id.
/// </summary>
public sealed partial class InMemoryIndex
{
    public Task<DataRowPage> ListDataRowsAsync(string bucket, string? after, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var rows = new List<DataRow>();
        lock (_lock)
        {
            foreach (var part in _parts.Values.Where(p => p.Bucket == bucket))
                rows.Add(new DataRow(DataRowKind.Part, bucket, part.Key, PartId(part), part.Size, part.DataLayout, PartPosition(part.UploadId, part.PartNumber)));
            foreach (var (id, versions) in _objects.Where(kv => kv.Key.Bucket == bucket))
            {
                foreach (var version in versions.Where(v => !v.IsDeleteMarker && !InlineLayout.IsInline(v.DataLayout)))
                    rows.Add(new DataRow(DataRowKind.Version, bucket, id.Key, version.VersionId, version.Size, version.DataLayout,
                        "v" + Convert.ToHexString(Encoding.UTF8.GetBytes(id.Key)) + "!" + version.VersionId) { StorageClass = version.StorageClass });
            }
        }
        var page = rows.Where(r => after is null || string.CompareOrdinal(r.Position, after) > 0)
            .OrderBy(r => r.Position, StringComparer.Ordinal).Take(maxRows).ToList();
        // A full page names its last position even when nothing follows (the next page is then empty), as the Table index does.
        return Task.FromResult(new DataRowPage(page, page.Count == maxRows ? page[^1].Position : null));
    }

    public Task<IndexWriteResult> UpdatePartLayoutAsync(DataRow part, string dataLayout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentException.ThrowIfNullOrEmpty(dataLayout);
        if (part.Kind != DataRowKind.Part)
            throw new ArgumentException("Only part rows change here; versions change through UpdateVersionAsync.", nameof(part));
        lock (_lock)
        {
            var stored = _parts.Values.FirstOrDefault(p => p.Bucket == part.Bucket && PartPosition(p.UploadId, p.PartNumber) == part.Position);
            if (stored is null)
                return Task.FromResult(IndexWriteResult.NotFound);
            if (stored.DataLayout != part.DataLayout)
                return Task.FromResult(IndexWriteResult.ConditionFailed);
            _parts[(stored.Bucket, stored.UploadId, stored.PartNumber)] = stored with { DataLayout = dataLayout };
            return Task.FromResult(IndexWriteResult.Success);
        }
    }

    private static string PartId(PartRecord part) => part.UploadId + "#" + part.PartNumber.ToString(CultureInfo.InvariantCulture);

    private static string PartPosition(string uploadId, int partNumber) =>
        "p" + uploadId + "!" + partNumber.ToString("D5", CultureInfo.InvariantCulture);
}
