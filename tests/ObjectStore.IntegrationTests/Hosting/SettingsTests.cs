using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ObjectStore.Hosting;
using ObjectStore.Lifecycle;
using ObjectStore.Storage;

namespace ObjectStore.IntegrationTests.Hosting;

/// <summary>Zone backends, Blob and identity settings as the hosts read them (pure: no storage is contacted).</summary>
public sealed class SettingsTests
{
    private static ObjectStoreSettings Read(params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?> { ["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true" };
        foreach (var (key, value) in settings)
            values[key] = value;
        return ObjectStoreSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
    }

    [Fact]
    public void Zones_take_the_default_backend_unless_they_name_one()
    {
        var settings = Read(("OBJECTSTORE_ZONES", "zone-a, zone-b=blob ,zone-c=DISK"), ("OBJECTSTORE_ZONE_BACKEND", "blob"));

        Assert.Equal(["zone-a", "zone-b", "zone-c"], settings.Zones);
        Assert.Equal([ZoneBackend.Blob, ZoneBackend.Blob, ZoneBackend.Disk], settings.ZoneList.Select(z => z.Backend));
    }

    [Fact]
    public void Defaults_are_three_disk_zones_and_the_standard_profile_of_the_data_store()
    {
        var settings = Read();

        Assert.All(settings.ZoneList, z => Assert.Equal((ZoneBackend.Disk, (Uri?)null), (z.Backend, z.BlobServiceUri)));
        Assert.Equal("objectstore-", settings.BlobContainerPrefix);
        Assert.Equal(StorageClasses.DefaultProfiles.OrderBy(p => p.Key), settings.StorageClasses.OrderBy(p => p.Key));
        Assert.Empty(settings.BlobAccessTiers);
    }

    [Fact]
    public void Blob_zone_endpoints_and_access_tiers_and_profiles_are_read()
    {
        var settings = Read(
            ("OBJECTSTORE_ZONE_BACKEND", "blob"),
            ("OBJECTSTORE_BLOB_ZONE_ENDPOINTS", "zone-b=https://b.blob.core.windows.net/"),
            ("OBJECTSTORE_BLOB_ACCESS_TIERS", "STANDARD_IA=Cool, GLACIER=archive"),
            ("OBJECTSTORE_STORAGE_CLASSES", "STANDARD=6+3, glacier = 12+6"));

        Assert.Equal([null, new Uri("https://b.blob.core.windows.net/"), null], settings.ZoneList.Select(z => z.BlobServiceUri));
        Assert.Equal("Cool", settings.BlobAccessTiers["standard_ia"]);
        Assert.Equal("archive", settings.BlobAccessTiers["GLACIER"]);
        Assert.Equal(("6+3", "12+6", "8+4"), (settings.StorageClasses["STANDARD"], settings.StorageClasses["GLACIER"], settings.StorageClasses["STANDARD_IA"]));
    }

    [Fact]
    public void Storage_class_profiles_come_from_the_one_setting_and_reach_the_data_store()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true",
            ["OBJECTSTORE_STORAGE_CLASSES"] = "STANDARD=2+1,DEEP_ARCHIVE=6+3",
            // The former configuration section is no longer a second source of profiles.
            ["ObjectStore:Data:StorageClasses:STANDARD"] = "6+3",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddObjectStore(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<ErasureDataStoreOptions>>().Value;

        Assert.Equal(("2+1", "6+3", "8+4", "4+2"),
            (options.StorageClasses["STANDARD"], options.StorageClasses["DEEP_ARCHIVE"], options.StorageClasses["GLACIER_IR"], options.StorageClasses["REDUCED_REDUNDANCY"]));
        Assert.Equal(StorageClasses.All.Order(), options.StorageClasses.Keys.Order());
    }

    [Theory]
    [InlineData("COLD=4+2", "unknown storage class 'COLD'")]
    [InlineData("STANDARD=4-2", "STANDARD=4-2 is not an erasure profile")]
    [InlineData("GLACIER=0+2", "GLACIER=0+2 is not an erasure profile")]
    [InlineData("STANDARD=4+1", "STANDARD=4+1 over 3 zone(s)")] // 2 shards of 5 in a zone: a lost zone loses the object
    [InlineData("STANDARD", "'STANDARD' is not NAME=VALUE")]
    public void Unknown_storage_classes_and_bad_profiles_fail_at_start_up_with_a_clear_message(string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("OBJECTSTORE_STORAGE_CLASSES", value)));

        Assert.StartsWith("OBJECTSTORE_STORAGE_CLASSES: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Default_profiles_that_cannot_survive_a_lost_zone_over_fewer_zones_name_the_setting()
    {
        // 4+2 over two zones puts 3 shards in one zone.
        var error = Assert.Throws<InvalidOperationException>(() => Read(("OBJECTSTORE_ZONES", "zone-a,zone-b")));

        Assert.Contains("OBJECTSTORE_STORAGE_CLASSES: STANDARD=4+2 over 2 zone(s)", error.Message);
        Assert.Equal("1+1", Read(("OBJECTSTORE_ZONES", "zone-a,zone-b"),
            ("OBJECTSTORE_STORAGE_CLASSES", string.Join(',', StorageClasses.All.Select(c => c + "=1+1")))).StorageClasses["GLACIER"]);
    }

    [Theory]
    [InlineData(null, 512L * 1024 * 1024)]
    [InlineData("unlimited", long.MaxValue)]
    [InlineData("4194304", 4194304L)]
    [InlineData("0", 0L)]
    public void Disk_zones_write_cache_window_reaches_the_data_store(string? value, long expected)
    {
        var values = new Dictionary<string, string?> { ["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = "UseDevelopmentStorage=true" };
        if (value is not null)
            values["OBJECTSTORE_DISK_WRITE_CACHE_BYTES"] = value;
        using var services = new ServiceCollection().AddLogging()
            .AddObjectStore(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();

        Assert.Equal(expected, services.GetRequiredService<IOptions<ErasureDataStoreOptions>>().Value.WriteCacheBytes);
    }

    [Theory]
    [InlineData("OBJECTSTORE_ZONE_BACKEND", "tape")]
    [InlineData("OBJECTSTORE_ZONES", "zone-a=nfs")]
    [InlineData("OBJECTSTORE_ZONES", "zone-a,zone-a")]
    [InlineData("OBJECTSTORE_BLOB_ZONE_ENDPOINTS", "zone-a=https://a.blob.core.windows.net/")] // zone-a is a disk zone
    [InlineData("OBJECTSTORE_BLOB_ZONE_ENDPOINTS", "zone-a=not a uri")]
    [InlineData("OBJECTSTORE_BLOB_ACCESS_TIERS", "STANDARD=Frozen")]
    [InlineData("OBJECTSTORE_BLOB_ACCESS_TIERS", "STANDARD")]
    [InlineData("OBJECTSTORE_BLOB_ACCESS_TIERS", "STANDARD=Hot,standard=Cool")]
    [InlineData("OBJECTSTORE_STORAGE_CLASSES", "GLACIER=10+5, glacier=8+4")]
    [InlineData("OBJECTSTORE_STORAGE_CLASSES", "STANDARD=")]
    [InlineData("OBJECTSTORE_DISK_WRITE_CACHE_BYTES", "4 MiB")]
    [InlineData("OBJECTSTORE_DISK_WRITE_CACHE_BYTES", "-1")]
    public void Invalid_zone_and_blob_settings_fail_at_start_up_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Blob_zone_whose_container_name_is_invalid_fails_at_start_up()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(("OBJECTSTORE_ZONES", "Zone_A=blob,zone-b,zone-c")));

        Assert.Contains("objectstore-Zone_A", error.Message);
        // The same name is fine for a disk zone (a directory).
        Assert.Equal("Zone_A", Read(("OBJECTSTORE_ZONES", "Zone_A,zone-b,zone-c")).Zones[0]);
    }

    [Fact]
    public void Identity_based_connection_takes_service_uris_or_an_account_name_and_no_key()
    {
        StorageConnection Connection(params (string, string)[] values) => StorageConnection.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Item1, v => (string?)v.Item2)).Build(), "STORE");

        var byAccount = Connection(("STORE:accountName", "acct"), ("STORE:clientId", "1234"));
        Assert.Equal((new Uri("https://acct.table.core.windows.net/"), new Uri("https://acct.queue.core.windows.net/"), new Uri("https://acct.blob.core.windows.net/"), "1234", (string?)null),
            (byAccount.TableServiceUri, byAccount.QueueServiceUri, byAccount.BlobServiceUri, byAccount.ClientId, byAccount.ConnectionString));

        var byUri = Connection(("STORE:tableServiceUri", "https://t.example/"), ("STORE:queueServiceUri", "https://q.example/"));
        Assert.Equal((new Uri("https://t.example/"), new Uri("https://q.example/"), (Uri?)null), (byUri.TableServiceUri, byUri.QueueServiceUri, byUri.BlobServiceUri));
        Assert.Throws<InvalidOperationException>(() => byUri.CreateBlobServiceClient());

        var missing = Assert.Throws<InvalidOperationException>(() => Connection(("STORE:tableServiceUri", "https://t.example/")));
        Assert.Contains("STORE__queueServiceUri", missing.Message);
    }

    [Theory]
    [InlineData("GLACIER=0.001,glacier=0.002")]
    [InlineData("GLACIER")]
    [InlineData("COLD=0.01")]
    public void Price_lists_go_through_the_same_list_parser(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["OBJECTSTORE_PRICES"] = value }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => LifecycleSettings.FromConfiguration(configuration));

        Assert.StartsWith("OBJECTSTORE_PRICES: ", error.Message);
        Assert.Equal(0.5m, LifecycleSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["OBJECTSTORE_PRICES"] = " glacier = 0.5 ," }).Build()).Prices["GLACIER"]);
    }
}
