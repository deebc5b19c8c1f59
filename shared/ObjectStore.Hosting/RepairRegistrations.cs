using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Storage;

namespace ObjectStore.Hosting;

/// <summary>The repair pass, its heal-on-read queue and its settings (README: "Repair").</summary>
internal static class RepairRegistrations
{
    public const string VerifyFractionSetting = "OBJECTSTORE_REPAIR_VERIFY_FRACTION";
    public const string OrphanGraceSetting = "OBJECTSTORE_REPAIR_ORPHAN_GRACE";
    public const string BatchSizeSetting = "OBJECTSTORE_REPAIR_BATCH_SIZE";
    public const string ParallelismSetting = "OBJECTSTORE_REPAIR_PARALLELISM";
    public const string MaxPassDurationSetting = "OBJECTSTORE_REPAIR_MAX_PASS_DURATION";
    public const string DataDeleteGraceSetting = "OBJECTSTORE_DATA_DELETE_GRACE";

    public static IServiceCollection AddRepair(this IServiceCollection services, IConfiguration configuration, ObjectStoreSettings settings)
    {
        var options = ReadOptions(configuration) with { HealQueueName = settings.TablePrefix.ToLowerInvariant() + "-repair" };
        services.AddSingleton(options);
        services.AddSingleton(sp => new RepairMetrics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<RepairHealQueue>();
        // Each bad shard a read meets is counted (StorageMetrics), then queued for heal-on-read.
        services.AddSingleton<IDegradedReadObserver>(sp => new DegradedReadMetrics(sp.GetRequiredService<StorageMetrics>(), sp.GetRequiredService<RepairHealQueue>()));
        services.AddSingleton<RepairDataPlane>();
        services.AddSingleton<RepairWorkState>();
        services.AddSingleton<RepairService>();
        return services;
    }

    public static RepairOptions ReadOptions(IConfiguration configuration)
    {
        var defaults = new RepairOptions();
        var options = new RepairOptions
        {
            VerifyFraction = Read(configuration, VerifyFractionSetting, defaults.VerifyFraction, s => double.Parse(s, CultureInfo.InvariantCulture)),
            OrphanGracePeriod = Read(configuration, OrphanGraceSetting, defaults.OrphanGracePeriod, ParseDuration),
            BatchSize = Read(configuration, BatchSizeSetting, defaults.BatchSize, s => int.Parse(s, CultureInfo.InvariantCulture)),
            Parallelism = Read(configuration, ParallelismSetting, defaults.Parallelism, s => int.Parse(s, CultureInfo.InvariantCulture)),
            MaxPassDuration = Read(configuration, MaxPassDurationSetting, defaults.MaxPassDuration, ParseDuration),
            DataDeleteGrace = Read(configuration, DataDeleteGraceSetting, defaults.DataDeleteGrace, ParseDuration),
        };
        options.Validate();
        return options;
    }

    /// <summary>"90" (seconds) or a TimeSpan ("01:00:00").</summary>
    private static TimeSpan ParseDuration(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.Parse(text, CultureInfo.InvariantCulture);

    private static T Read<T>(IConfiguration configuration, string key, T fallback, Func<string, T> parse)
    {
        if (configuration[key] is not { Length: > 0 } text)
            return fallback;
        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{key} has an invalid value '{text}'.", e);
        }
    }
}
