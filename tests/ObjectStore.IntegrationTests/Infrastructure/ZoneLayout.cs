using ObjectStore.Hosting;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>Where a local host keeps its zones' shards.</summary>
public enum ZoneLayout
{
    /// <summary>Every zone a directory under the data directory.</summary>
    Disk,
    /// <summary>Every zone a container in the fixture's Azurite.</summary>
    Blob,
    /// <summary>zone-a a directory, zone-b and zone-c containers.</summary>
    Mixed,
}

public static class ZoneLayouts
{
    /// <summary>
    /// Environment variable choosing the layout of every host that does not name one (the shared
    /// host included): disk (default), blob or mixed, so the whole suite can run on either backend.
    /// </summary>
    public const string Variable = "OBJECTSTORE_TEST_ZONES";

    public static ZoneLayout Default =>
        Enum.TryParse<ZoneLayout>(Environment.GetEnvironmentVariable(Variable), ignoreCase: true, out var layout) ? layout : ZoneLayout.Disk;

    /// <summary>The host settings of <paramref name="layout"/>, containers named <c>{containerPrefix}{zone}</c>.</summary>
    public static Dictionary<string, string?> Settings(ZoneLayout layout, string containerPrefix) => layout switch
    {
        ZoneLayout.Blob => new()
        {
            [ObjectStoreSettings.ZoneBackendSetting] = "blob",
            [ObjectStoreSettings.BlobContainerPrefixSetting] = containerPrefix,
        },
        ZoneLayout.Mixed => new()
        {
            [ObjectStoreSettings.ZonesSetting] = "zone-a=disk,zone-b=blob,zone-c=blob",
            [ObjectStoreSettings.BlobContainerPrefixSetting] = containerPrefix,
        },
        _ => new(),
    };
}
