namespace ObjectStore.Hosting;

/// <summary>Where a zone keeps its shards.</summary>
public enum ZoneBackend
{
    /// <summary>A directory, <c>{OBJECTSTORE_DATA}/zones/{zone}</c>.</summary>
    Disk,
    /// <summary>A Blob container, <c>{OBJECTSTORE_BLOB_CONTAINER_PREFIX}{zone}</c>.</summary>
    Blob,
}

/// <param name="Name">The zone's name, recorded in every layout that places a shard there.</param>
/// <param name="Backend">Disk directory or Blob container.</param>
/// <param name="BlobServiceUri">For a Blob zone in its own account: that account's Blob endpoint (managed identity); null: the storage connection's account.</param>
public sealed record ZoneSettings(string Name, ZoneBackend Backend, Uri? BlobServiceUri)
{
    /// <summary>
    /// Parses <c>OBJECTSTORE_ZONES</c> ("zone-a,zone-b=blob,zone-c=disk": a zone without "=" takes
    /// <paramref name="defaultBackend"/>) and <c>OBJECTSTORE_BLOB_ZONE_ENDPOINTS</c>
    /// ("zone-b=https://account.blob.core.windows.net/,...").
    /// </summary>
    public static IReadOnlyList<ZoneSettings> Parse(string zones, ZoneBackend defaultBackend, string endpoints)
    {
        var uris = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var (zone, uri) in SettingList.Parse(endpoints, ObjectStoreSettings.BlobZoneEndpointsSetting))
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
                throw new InvalidOperationException($"{ObjectStoreSettings.BlobZoneEndpointsSetting}: '{zone}={uri}' is not zone=https://account.blob.../.");
            uris[zone] = parsed;
        }
        var result = SettingList.Parse(zones, ObjectStoreSettings.ZonesSetting, valueOptional: true).Select(item =>
        {
            var (name, backend) = item;
            return new ZoneSettings(name, backend is null ? defaultBackend : ParseBackend(backend, ObjectStoreSettings.ZonesSetting),
                uris.GetValueOrDefault(name));
        }).ToArray();
        foreach (var zone in uris.Keys)
            if (!result.Any(z => z.Name == zone && z.Backend == ZoneBackend.Blob))
                throw new InvalidOperationException($"{ObjectStoreSettings.BlobZoneEndpointsSetting} names '{zone}', which is not a Blob zone.");
        return result;
    }

    public static ZoneBackend ParseBackend(string text, string setting) =>
        text.Trim().ToLowerInvariant() switch
        {
            "disk" => ZoneBackend.Disk,
            "blob" => ZoneBackend.Blob,
            _ => throw new InvalidOperationException($"{setting}: backend '{text}' is neither 'disk' nor 'blob'."),
        };
}
