namespace ObjectStore.Background;

/// <summary>
/// Unit prices for the dry-run report: per storage class, USD per GiB-month of stored bytes (erasure
/// overhead included, i.e. what the capacity behind the class costs), and the currency to report in.
/// Read from OBJECTSTORE_PRICES, OBJECTSTORE_COST_CURRENCY and OBJECTSTORE_COST_USD_RATE.
/// </summary>
public sealed class LifecycleCostOptions
{
    /// <summary>
    /// Defaults are placeholders in the range of public hot / cool / cold / archive blob-storage list
    /// prices per GiB-month; set your own.
    /// </summary>
    public IDictionary<string, decimal> PricesUsdPerGiBMonth { get; set; } = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["STANDARD"] = 0.0184m,
        ["REDUCED_REDUNDANCY"] = 0.0184m,
        ["INTELLIGENT_TIERING"] = 0.0184m,
        ["STANDARD_IA"] = 0.0100m,
        ["ONEZONE_IA"] = 0.0080m,
        ["GLACIER_IR"] = 0.0045m,
        ["GLACIER"] = 0.0036m,
        ["DEEP_ARCHIVE"] = 0.00099m,
    };

    /// <summary>ISO currency code of the report (USD by default).</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Units of <see cref="Currency"/> per US dollar (1 for USD; e.g. 84.5 for INR).</summary>
    public decimal UsdRate { get; set; } = 1m;

    public decimal PriceOf(string storageClass) =>
        PricesUsdPerGiBMonth.TryGetValue(storageClass, out var price) ? price : PricesUsdPerGiBMonth.TryGetValue("STANDARD", out var standard) ? standard : 0m;
}
