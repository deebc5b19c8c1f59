using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Lifecycle;

namespace ObjectStore.Hosting;

/// <summary>
/// Settings of the lifecycle pass and the dry-run cost report (the README documents
/// each with its default). Parsed and validated at start-up.
/// </summary>
public sealed record LifecycleSettings
{
    /// <summary>Length of a lifecycle rule day, as a .NET TimeSpan ("1.00:00:00", "00:00:10").</summary>
    public const string DaySetting = "OBJECTSTORE_LIFECYCLE_DAY";
    public const string BatchSetting = "OBJECTSTORE_LIFECYCLE_BATCH";
    public const string TimeLimitSetting = "OBJECTSTORE_LIFECYCLE_TIME_LIMIT";
    /// <summary>How long a pass holds a bucket without a checkpoint; after a crash, the next instance resumes once it lapses.</summary>
    public const string LeaseSetting = "OBJECTSTORE_LIFECYCLE_LEASE";
    /// <summary>"CLASS=price,..." in USD per GiB-month of stored bytes, over the defaults.</summary>
    public const string PricesSetting = "OBJECTSTORE_PRICES";
    public const string CurrencySetting = "OBJECTSTORE_COST_CURRENCY";
    /// <summary>Units of the currency per US dollar; required when the currency is not USD.</summary>
    public const string UsdRateSetting = "OBJECTSTORE_COST_USD_RATE";

    public required TimeSpan Day { get; init; }
    public required int BatchSize { get; init; }
    public TimeSpan? TimeLimit { get; init; }
    public required TimeSpan Lease { get; init; }
    public required IReadOnlyDictionary<string, decimal> Prices { get; init; }
    public required string Currency { get; init; }
    public required decimal UsdRate { get; init; }

    public static LifecycleSettings FromConfiguration(IConfiguration configuration)
    {
        var prices = new Dictionary<string, decimal>(new LifecycleCostOptions().PricesUsdPerGiBMonth, StringComparer.Ordinal);
        foreach (var (given, value) in SettingList.Parse(configuration[PricesSetting], PricesSetting))
        {
            var name = given.ToUpperInvariant();
            if (!StorageClasses.All.Contains(name) || !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var price) || price < 0)
                throw new InvalidOperationException($"{PricesSetting}: '{name}={value}' is not a storage class and a non-negative price.");
            prices[name] = price;
        }

        var currency = configuration[CurrencySetting] is { Length: > 0 } c ? c.Trim().ToUpperInvariant() : "USD";
        var rateText = configuration[UsdRateSetting];
        decimal rate = 1m;
        if (!string.IsNullOrEmpty(rateText) && (!decimal.TryParse(rateText, NumberStyles.Number, CultureInfo.InvariantCulture, out rate) || rate <= 0))
            throw new InvalidOperationException($"{UsdRateSetting} must be a positive number.");
        if (currency != "USD" && string.IsNullOrEmpty(rateText))
            throw new InvalidOperationException($"{CurrencySetting}={currency} needs {UsdRateSetting} (units of {currency} per US dollar).");
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            throw new InvalidOperationException($"{CurrencySetting} must be a three-letter currency code.");

        return new LifecycleSettings
        {
            Day = Duration(configuration[DaySetting], DaySetting) ?? TimeSpan.FromDays(1),
            BatchSize = configuration[BatchSetting] is { Length: > 0 } b
                ? int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var batch) && batch > 0 ? batch : throw new InvalidOperationException($"{BatchSetting} must be a positive integer.")
                : 250,
            TimeLimit = Duration(configuration[TimeLimitSetting], TimeLimitSetting),
            Lease = Duration(configuration[LeaseSetting], LeaseSetting) ?? TimeSpan.FromMinutes(5),
            Prices = prices,
            Currency = currency,
            UsdRate = rate,
        };
    }

    private static TimeSpan? Duration(string? text, string setting)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? value
            : throw new InvalidOperationException($"{setting} must be a positive duration such as 1.00:00:00 or 00:00:10.");
    }

}

internal static class LifecycleRegistrations
{
    /// <summary>The lifecycle pass, its dry run and their options (storage-class profiles are the data plane's: <see cref="ObjectStoreSettings.StorageClasses"/>).</summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = LifecycleSettings.FromConfiguration(configuration);
        services.AddSingleton(settings);
        services.Configure<LifecycleOptions>(o =>
        {
            o.DayLength = settings.Day;
            o.BatchSize = settings.BatchSize;
            o.PassTimeLimit = settings.TimeLimit;
            o.LeaseDuration = settings.Lease;
        });
        services.Configure<LifecycleCostOptions>(o =>
        {
            o.PricesUsdPerGiBMonth = new Dictionary<string, decimal>(settings.Prices, StringComparer.Ordinal);
            o.Currency = settings.Currency;
            o.UsdRate = settings.UsdRate;
        });
        // Every action the pass and the restore worker take is counted (the model's own actions behind it).
        var model = services.Last(d => d.ServiceType == typeof(ILifecycleActions));
        services.Remove(model);
        services.AddSingleton<ILifecycleActions>(sp => new MeteredLifecycleActions((ILifecycleActions)model.ImplementationFactory!(sp), sp.GetService<IMeterFactory>()));
        services.AddSingleton<LifecycleService>();
        services.AddSingleton<LifecycleDryRun>();
        return services;
    }
}
