using Microsoft.Extensions.Configuration;
using ObjectStore.Background;

namespace ObjectStore.Hosting;

/// <summary>
/// Operator settings, read from configuration keys that are also the environment variable and
/// app setting names (the README documents each with its default). Validated at start-up.
/// </summary>
public sealed record ObjectStoreSettings
{
    public const string DataSetting = "OBJECTSTORE_DATA";
    public const string ZonesSetting = "OBJECTSTORE_ZONES";
    public const string AccessKeySetting = "OBJECTSTORE_ACCESS_KEY";
    public const string SecretKeySetting = "OBJECTSTORE_SECRET_KEY";
    public const string RegionSetting = "OBJECTSTORE_REGION";
    public const string BaseDomainSetting = "OBJECTSTORE_BASE_DOMAIN";
    public const string TablePrefixSetting = "OBJECTSTORE_TABLE_PREFIX";

    public const string DefaultAccessKey = "objectstore";
    public const string DefaultSecretKey = "objectstore-secret";

    /// <summary>Root of local state; zones live under "zones/".</summary>
    public required string DataDirectory { get; init; }
    /// <summary>Zone names, one directory per failure domain under <c>{DataDirectory}/zones/</c>.</summary>
    public required IReadOnlyList<string> Zones { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    public required string StorageConnectionString { get; init; }
    public required string Region { get; init; }
    /// <summary>Base domain for virtual-hosted-style addressing (bucket.BaseDomain), if any.</summary>
    public string? BaseDomain { get; init; }
    /// <summary>Prefix of every table name, so several deployments can share one account.</summary>
    public required string TablePrefix { get; init; }
    public required string LifecycleSchedule { get; init; }
    public required string RepairSchedule { get; init; }

    public static ObjectStoreSettings FromConfiguration(IConfiguration configuration)
    {
        string Get(string key, string fallback) => configuration[key] is { Length: > 0 } value ? value : fallback;

        var data = Path.GetFullPath(Get(DataSetting, "data"));
        var settings = new ObjectStoreSettings
        {
            DataDirectory = data,
            Zones = Get(ZonesSetting, "zone-a,zone-b,zone-c").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AccessKey = Get(AccessKeySetting, DefaultAccessKey),
            SecretKey = Get(SecretKeySetting, DefaultSecretKey),
            StorageConnectionString = Get(BackgroundSchedules.StorageConnectionSetting, ""),
            Region = Get(RegionSetting, "us-east-1"),
            BaseDomain = configuration[BaseDomainSetting] is { Length: > 0 } domain ? domain : null,
            TablePrefix = Get(TablePrefixSetting, "objectstore"),
            LifecycleSchedule = Get(BackgroundSchedules.LifecycleScheduleSetting, BackgroundSchedules.DefaultLifecycleSchedule),
            RepairSchedule = Get(BackgroundSchedules.RepairScheduleSetting, BackgroundSchedules.DefaultRepairSchedule),
        };
        settings.Validate();
        return settings;
    }

    private void Validate()
    {
        if (StorageConnectionString.Length == 0)
            throw new InvalidOperationException($"{BackgroundSchedules.StorageConnectionSetting} is not set: ObjectStore needs an Azure Storage account (or Azurite) for its index.");
        if (Zones.Count == 0 || Zones.Any(z => z.IndexOfAny(['/', '\\', '.']) >= 0))
            throw new InvalidOperationException($"{ZonesSetting} must name one or more zones (plain directory names).");
        if (AccessKey.Length == 0 || SecretKey.Length == 0)
            throw new InvalidOperationException("The root access key and secret key must not be empty.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(TablePrefix, "^[A-Za-z][A-Za-z0-9]{0,40}$"))
            throw new InvalidOperationException($"{TablePrefixSetting} must be a letter followed by up to 40 letters or digits.");
        _ = CronSchedule.Parse(LifecycleSchedule);
        _ = CronSchedule.Parse(RepairSchedule);
    }
}
