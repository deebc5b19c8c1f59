using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace ObjectStore.Hosting;

/// <summary>Where the meters go: nowhere, a Prometheus scrape endpoint (local host), or Azure Monitor (function apps).</summary>
public enum MetricsExport
{
    Off,
    Prometheus,
    AzureMonitor,
}

/// <summary>
/// OpenTelemetry over the core's <c>System.Diagnostics.Metrics</c> meters (every "ObjectStore.*" meter), chosen by
/// <see cref="Setting"/>. The core never sees an exporter: this composition adds the Azure Monitor one, and
/// the local host adds the Prometheus one (it alone serves HTTP outside the Functions host). docs/metrics.md.
/// </summary>
public static class MetricsRegistrations
{
    /// <summary>prometheus, azuremonitor or off.</summary>
    public const string Setting = "OBJECTSTORE_METRICS";
    /// <summary>The Application Insights connection string (the Functions platform's own setting name).</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string MeterPrefix = "ObjectStore.*";

    /// <summary>The export <paramref name="configuration"/> asks for; unset: Azure Monitor when a connection string is set, else <paramref name="fallback"/>.</summary>
    public static MetricsExport Read(IConfiguration configuration, MetricsExport fallback)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[Setting]?.Trim().ToLowerInvariant() switch
        {
            null or "" => string.IsNullOrEmpty(configuration[ConnectionStringSetting]) ? fallback : MetricsExport.AzureMonitor,
            "off" or "none" => MetricsExport.Off,
            "prometheus" => MetricsExport.Prometheus,
            "azuremonitor" or "azure-monitor" or "applicationinsights" => MetricsExport.AzureMonitor,
            var other => throw new InvalidOperationException($"{Setting} must be prometheus, azuremonitor or off (not '{other}')."),
        };
    }

    /// <summary>
    /// Registers the OpenTelemetry meter provider over every ObjectStore meter with the Azure Monitor exporter
    /// when that is the choice; <paramref name="exporter"/> adds another (the local host's Prometheus one).
    /// </summary>
    public static IServiceCollection AddObjectStoreMetrics(this IServiceCollection services, IConfiguration configuration, MetricsExport export,
        Action<MeterProviderBuilder>? exporter = null)
    {
        if (export == MetricsExport.Off)
            return services;
        var connectionString = configuration[ConnectionStringSetting];
        if (export == MetricsExport.AzureMonitor && string.IsNullOrEmpty(connectionString))
            throw new InvalidOperationException($"{Setting}=azuremonitor needs {ConnectionStringSetting}.");
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(MeterPrefix);
            if (export == MetricsExport.AzureMonitor)
                metrics.AddAzureMonitorMetricExporter(o => o.ConnectionString = connectionString);
            exporter?.Invoke(metrics);
        });
        return services;
    }
}
