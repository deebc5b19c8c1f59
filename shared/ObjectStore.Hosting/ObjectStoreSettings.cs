using Microsoft.Extensions.Configuration;
using ObjectStore.Background;
using ObjectStore.Storage;

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
    public const string ZoneBackendSetting = "OBJECTSTORE_ZONE_BACKEND";
    public const string BlobContainerPrefixSetting = "OBJECTSTORE_BLOB_CONTAINER_PREFIX";
    public const string BlobZoneEndpointsSetting = "OBJECTSTORE_BLOB_ZONE_ENDPOINTS";
    public const string BlobAccessTiersSetting = "OBJECTSTORE_BLOB_ACCESS_TIERS";
    /// <summary>"CLASS=k+m,..." over the defaults of <see cref="Lifecycle.StorageClasses.DefaultProfiles"/>: the one setting of class profiles.</summary>
    public const string StorageClassesSetting = "OBJECTSTORE_STORAGE_CLASSES";
    public const string MasterKeySetting = "OBJECTSTORE_MASTER_KEY";
    public const string MasterKeyFileSetting = "OBJECTSTORE_MASTER_KEY_FILE";
    public const string PreviousMasterKeysSetting = "OBJECTSTORE_MASTER_KEY_PREVIOUS";
    public const string AccountIdSetting = "OBJECTSTORE_ACCOUNT_ID";
    public const string PublicAccessBlockSetting = "OBJECTSTORE_PUBLIC_ACCESS_BLOCK";
    public const string DefaultEncryptionSetting = "OBJECTSTORE_DEFAULT_ENCRYPTION";
    public const string InlineMaxBytesSetting = "OBJECTSTORE_INLINE_MAX_BYTES";
    public const string DiskWriteCacheBytesSetting = "OBJECTSTORE_DISK_WRITE_CACHE_BYTES";
    public const string BucketCacheSecondsSetting = "OBJECTSTORE_BUCKET_CACHE_SECONDS";
    public const string IndexPartitionsSetting = "OBJECTSTORE_INDEX_PARTITIONS";
    public const string IndexRoutingCacheSecondsSetting = "OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS";
    public const string DefaultObjectOwnershipSetting = "OBJECTSTORE_DEFAULT_OBJECT_OWNERSHIP";
    public const string SignatureV2Setting = "OBJECTSTORE_SIGV2";

    public const string DefaultAccessKey = "objectstore";
    public const string DefaultSecretKey = "objectstore-secret";

    /// <summary>Root of local state; zones live under "zones/".</summary>
    public required string DataDirectory { get; init; }
    /// <summary>Zone names, one per failure domain, in placement order.</summary>
    public IReadOnlyList<string> Zones => ZoneList.Select(z => z.Name).ToArray();
    /// <summary>Each zone's backend: a directory under <c>{DataDirectory}/zones/</c> or a Blob container.</summary>
    public required IReadOnlyList<ZoneSettings> ZoneList { get; init; }
    /// <summary>Blob zone containers are named <c>{BlobContainerPrefix}{zone}</c>.</summary>
    public required string BlobContainerPrefix { get; init; }
    /// <summary>S3 storage class to Blob access tier (Hot, Cool, Cold, Archive) of the shards in Blob zones.</summary>
    public required IReadOnlyDictionary<string, string> BlobAccessTiers { get; init; }
    /// <summary>Every S3 storage class to its erasure profile ("k+m"): the built-in defaults overlaid with <see cref="StorageClassesSetting"/>.</summary>
    public required IReadOnlyDictionary<string, string> StorageClasses { get; init; }
    public required string AccessKey { get; init; }
    public required string SecretKey { get; init; }
    /// <summary>The index and queue account (and Blob zones' default account): connection string or managed identity.</summary>
    public required StorageConnection Storage { get; init; }
    public required string Region { get; init; }
    /// <summary>Base domain for virtual-hosted-style addressing (bucket.BaseDomain), if any.</summary>
    public string? BaseDomain { get; init; }
    /// <summary>Prefix of every table name, so several deployments can share one account.</summary>
    public required string TablePrefix { get; init; }
    /// <summary>The master key (base64 of 32 bytes) that seals users' secret keys; in Azure a Key Vault reference. Null: <see cref="MasterKeyFile"/>.</summary>
    public string? MasterKey { get; init; }
    /// <summary>Where the master key lives when <see cref="MasterKey"/> is not set; created on first start (mode 0600). Its first line is the current key, further lines are retired keys.</summary>
    public required string MasterKeyFile { get; init; }
    /// <summary>Retired master keys (base64, comma-separated) that still unwrap what they wrapped until a re-wrap pass moves it to the current key.</summary>
    public IReadOnlyList<string> PreviousMasterKeys { get; init; } = [];
    /// <summary>12-digit account id of principal ARNs (arn:aws:iam::{id}:user/{name}).</summary>
    public required string AccountId { get; init; }
    /// <summary>"new-buckets" (default), "enforce" or "off": see <see cref="Objects.PublicAccessBlockMode"/>.</summary>
    public required Objects.PublicAccessBlockMode PublicAccessBlock { get; init; }
    /// <summary>"off" (default) or "AES256": SSE-S3 for new objects in buckets without their own default encryption.</summary>
    public required bool DefaultEncryption { get; init; }
    /// <summary>The Object Ownership of new buckets: ObjectWriter (default), BucketOwnerPreferred or BucketOwnerEnforced.</summary>
    public Objects.ObjectOwnership DefaultObjectOwnership { get; init; } = Objects.ObjectOwnership.ObjectWriter;
    /// <summary>"on" (default) or "off": accept Signature Version 2 (header, presigned query, POST form) beside SigV4.</summary>
    public bool SignatureV2 { get; init; } = true;
    public required string LifecycleSchedule { get; init; }
    public required string RepairSchedule { get; init; }
    /// <summary>The events queue (its poison queue is "&lt;name&gt;-poison").</summary>
    public required string EventsQueue { get; init; }
    public required string OutboxSweepSchedule { get; init; }
    /// <summary>The queue of accepted RestoreObject requests (its poison queue is "&lt;name&gt;-poison").</summary>
    public required string RestoreQueue { get; init; }
    /// <summary>Objects up to this many bytes live in their index row (0: never); see <see cref="Objects.S3Options.InlineMaxBytes"/>.</summary>
    public int InlineMaxBytes { get; init; } = Objects.S3Options.DefaultInlineMaxBytes;
    /// <summary>Bytes of freshly written data the disk zones leave in the page cache; see <see cref="ErasureDataStoreOptions.WriteCacheBytes"/>.</summary>
    public long DiskWriteCacheBytes { get; init; } = ErasureDataStoreOptions.DefaultWriteCacheBytes;
    /// <summary>How long an instance reuses a bucket record it read (0: no cache).</summary>
    public double BucketCacheSeconds { get; init; } = 5;
    /// <summary>How a throttled Table call is retried (OBJECTSTORE_INDEX_RETRY_BUDGET_MS): docs/connections.md, "Throttling".</summary>
    public Index.Tables.TableRetrySettings IndexRetry { get; init; } = Index.Tables.TableRetrySettings.Default;
    /// <summary>Partitions of new buckets' index and routing (OBJECTSTORE_INDEX_PARTITIONS, OBJECTSTORE_INDEX_ROUTING_CACHE_SECONDS): docs/index-schema.md.</summary>
    public Index.Tables.TableIndexOptions IndexOptions { get; init; } = new();

    public static ObjectStoreSettings FromConfiguration(IConfiguration configuration)
    {
        string Get(string key, string fallback) => configuration[key] is { Length: > 0 } value ? value : fallback;

        var data = Path.GetFullPath(Get(DataSetting, "data"));
        var settings = new ObjectStoreSettings
        {
            DataDirectory = data,
            ZoneList = ZoneSettings.Parse(Get(ZonesSetting, "zone-a,zone-b,zone-c"),
                ZoneSettings.ParseBackend(Get(ZoneBackendSetting, "disk"), ZoneBackendSetting), Get(BlobZoneEndpointsSetting, "")),
            BlobContainerPrefix = Get(BlobContainerPrefixSetting, "objectstore-"),
            BlobAccessTiers = SettingList.ParsePairs(configuration[BlobAccessTiersSetting], BlobAccessTiersSetting),
            StorageClasses = ParseStorageClasses(configuration[StorageClassesSetting]),
            AccessKey = Get(AccessKeySetting, DefaultAccessKey),
            SecretKey = Get(SecretKeySetting, DefaultSecretKey),
            Storage = StorageConnection.FromConfiguration(configuration, BackgroundSchedules.StorageConnectionSetting),
            Region = Get(RegionSetting, "us-east-1"),
            BaseDomain = configuration[BaseDomainSetting] is { Length: > 0 } domain ? domain : null,
            TablePrefix = Get(TablePrefixSetting, "objectstore"),
            IndexRetry = Index.Tables.TableRetrySettings.WithBudget(configuration[Index.Tables.TableRetrySettings.BudgetSetting] is { Length: > 0 } budget
                ? int.TryParse(budget, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) ? ms
                    : throw new InvalidOperationException($"{Index.Tables.TableRetrySettings.BudgetSetting} must be a number of milliseconds, not '{budget}'.")
                : null),
            MasterKey = configuration[MasterKeySetting] is { Length: > 0 } masterKey ? masterKey : null,
            MasterKeyFile = Path.GetFullPath(Get(MasterKeyFileSetting, Path.Combine(data, "keys", "master.key"))),
            PreviousMasterKeys = Get(PreviousMasterKeysSetting, "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            AccountId = Get(AccountIdSetting, "000000000000"),
            PublicAccessBlock = Get(PublicAccessBlockSetting, "new-buckets").ToLowerInvariant() switch
            {
                "new-buckets" or "on" => Objects.PublicAccessBlockMode.NewBuckets,
                "enforce" => Objects.PublicAccessBlockMode.Enforce,
                "off" => Objects.PublicAccessBlockMode.Off,
                var other => throw new InvalidOperationException($"{PublicAccessBlockSetting} must be new-buckets, enforce or off, not '{other}'."),
            },
            DefaultEncryption = Get(DefaultEncryptionSetting, "off").ToUpperInvariant() switch
            {
                "OFF" => false,
                "AES256" => true,
                var other => throw new InvalidOperationException($"{DefaultEncryptionSetting} must be off or AES256, not '{other}'."),
            },
            DefaultObjectOwnership = Enum.TryParse<Objects.ObjectOwnership>(Get(DefaultObjectOwnershipSetting, nameof(Objects.ObjectOwnership.ObjectWriter)), ignoreCase: true, out var ownership)
                && Enum.IsDefined(ownership)
                ? ownership
                : throw new InvalidOperationException($"{DefaultObjectOwnershipSetting} must be ObjectWriter, BucketOwnerPreferred or BucketOwnerEnforced, not '{configuration[DefaultObjectOwnershipSetting]}'."),
            SignatureV2 = Get(SignatureV2Setting, "on").ToLowerInvariant() switch
            {
                "on" or "true" => true,
                "off" or "false" => false,
                var other => throw new InvalidOperationException($"{SignatureV2Setting} must be on or off, not '{other}'."),
            },
            LifecycleSchedule = Get(BackgroundSchedules.LifecycleScheduleSetting, BackgroundSchedules.DefaultLifecycleSchedule),
            RepairSchedule = Get(BackgroundSchedules.RepairScheduleSetting, BackgroundSchedules.DefaultRepairSchedule),
            EventsQueue = Get(BackgroundSchedules.EventsQueueSetting, BackgroundSchedules.EventsQueueName),
            OutboxSweepSchedule = Get(BackgroundSchedules.OutboxSweepScheduleSetting, BackgroundSchedules.DefaultOutboxSweepSchedule),
            RestoreQueue = Get(BackgroundSchedules.RestoreQueueSetting, Get(TablePrefixSetting, "objectstore").ToLowerInvariant() + "-restore"),
            InlineMaxBytes = int.TryParse(Get(InlineMaxBytesSetting, Objects.S3Options.DefaultInlineMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var inline) && inline <= Objects.S3Options.MaxInlineMaxBytes
                ? inline
                : throw new InvalidOperationException($"{InlineMaxBytesSetting} must be a number of bytes from 0 to {Objects.S3Options.MaxInlineMaxBytes}."),
            DiskWriteCacheBytes = configuration[DiskWriteCacheBytesSetting] is { Length: > 0 } cached
                ? cached.Equals("unlimited", StringComparison.OrdinalIgnoreCase)
                    ? long.MaxValue
                    : long.TryParse(cached, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cachedBytes)
                        ? cachedBytes
                        : throw new InvalidOperationException($"{DiskWriteCacheBytesSetting} must be a number of bytes or unlimited, not '{cached}'.")
                : ErasureDataStoreOptions.DefaultWriteCacheBytes,
            IndexOptions = new Index.Tables.TableIndexOptions
            {
                DefaultPartitions = int.TryParse(Get(IndexPartitionsSetting, "1"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                    out var partitions) && partitions is >= 1 and <= 64 && (partitions & (partitions - 1)) == 0
                    ? partitions
                    : throw new InvalidOperationException($"{IndexPartitionsSetting} must be a power of two from 1 to 64."),
                RoutingCacheLifetime = TimeSpan.FromSeconds(double.TryParse(Get(IndexRoutingCacheSecondsSetting, "5"), System.Globalization.NumberStyles.AllowDecimalPoint,
                    System.Globalization.CultureInfo.InvariantCulture, out var routingSeconds) && routingSeconds is >= 0 and <= 300
                    ? routingSeconds
                    : throw new InvalidOperationException($"{IndexRoutingCacheSecondsSetting} must be a number of seconds from 0 to 300.")),
            },
            BucketCacheSeconds = double.TryParse(Get(BucketCacheSecondsSetting, "5"), System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds <= 3600
                ? seconds
                : throw new InvalidOperationException($"{BucketCacheSecondsSetting} must be a number of seconds from 0 to 3600."),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>The default profiles with the setting's classes replaced; an unknown class or a malformed profile fails.</summary>
    private static Dictionary<string, string> ParseStorageClasses(string? list)
    {
        var profiles = new Dictionary<string, string>(Lifecycle.StorageClasses.DefaultProfiles, StringComparer.Ordinal);
        foreach (var (given, value) in SettingList.Parse(list, StorageClassesSetting))
        {
            var name = given.ToUpperInvariant();
            if (!Lifecycle.StorageClasses.All.Contains(name))
                throw new InvalidOperationException(
                    $"{StorageClassesSetting}: unknown storage class '{name}' (one of {string.Join(", ", Lifecycle.StorageClasses.All.Order(StringComparer.Ordinal))}).");
            try
            {
                profiles[name] = Erasure.ErasureProfile.Parse(value!).ToString();
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new InvalidOperationException($"{StorageClassesSetting}: {name}={value} is not an erasure profile k+m ({e.Message}).", e);
            }
        }
        return profiles;
    }

    private void Validate()
    {
        if (Zones.Count == 0 || Zones.Any(z => z.IndexOfAny(['/', '\\', '.']) >= 0) || Zones.Distinct().Count() != Zones.Count)
            throw new InvalidOperationException($"{ZonesSetting} must name one or more distinct zones (plain directory names).");
        foreach (var zone in ZoneList.Where(z => z.Backend == ZoneBackend.Blob))
            if (!System.Text.RegularExpressions.Regex.IsMatch(BlobContainerPrefix + zone.Name, "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$"))
                throw new InvalidOperationException(
                    $"Blob zone '{zone.Name}' needs a container name '{BlobContainerPrefix}{zone.Name}' of 3-63 lowercase letters, digits and single hyphens " +
                    $"({BlobContainerPrefixSetting}, {ZonesSetting}).");
        if (AccessKey.Length == 0 || SecretKey.Length == 0)
            throw new InvalidOperationException("The root access key and secret key must not be empty.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(TablePrefix, "^[A-Za-z][A-Za-z0-9]{0,40}$"))
            throw new InvalidOperationException($"{TablePrefixSetting} must be a letter followed by up to 40 letters or digits.");
        foreach (var (storageClass, tier) in BlobAccessTiers)
            if (!new[] { "Hot", "Cool", "Cold", "Archive" }.Contains(tier, StringComparer.OrdinalIgnoreCase))
                throw new InvalidOperationException($"{BlobAccessTiersSetting}: {storageClass}={tier} is not Hot, Cool, Cold or Archive.");
        foreach (var (storageClass, text) in StorageClasses)
        {
            var profile = Erasure.ErasureProfile.Parse(text);
            if (!ShardPlacement.SurvivesZoneLoss(profile.DataShards, profile.ParityShards, Zones.Count))
                throw new InvalidOperationException(
                    $"{StorageClassesSetting}: {storageClass}={profile} over {Zones.Count} zone(s) puts up to " +
                    $"{ShardPlacement.MaxShardsPerZone(profile.TotalShards, Zones.Count)} shards in one zone, more than the {profile.ParityShards} a stripe can lose " +
                    $"(name a profile for every class that survives a lost zone, or add zones: {ZonesSetting}).");
        }
        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit))
            throw new InvalidOperationException($"{AccountIdSetting} must be 12 digits.");
        _ = CronSchedule.Parse(LifecycleSchedule);
        _ = CronSchedule.Parse(RepairSchedule);
        _ = CronSchedule.Parse(OutboxSweepSchedule);
        foreach (var (queue, setting) in new[] { (EventsQueue, BackgroundSchedules.EventsQueueSetting), (RestoreQueue, BackgroundSchedules.RestoreQueueSetting) })
            if (!System.Text.RegularExpressions.Regex.IsMatch(queue, "^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,55}$"))
                throw new InvalidOperationException($"{setting} must be a queue name: 3 to 56 lower-case letters, digits and single hyphens (its poison queue adds \"-poison\").");
    }
}
