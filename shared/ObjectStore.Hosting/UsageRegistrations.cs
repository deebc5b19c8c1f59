using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ObjectStore.Background;

namespace ObjectStore.Hosting;

/// <summary>The usage pass, its gauges and its settings (README: "Usage and cost").</summary>
public static class UsageRegistrations
{
    /// <summary>Cron (6 fields) of the usage pass; usage is at most one interval plus one pass old.</summary>
    public const string ScheduleSetting = "OBJECTSTORE_USAGE_SCHEDULE";
    public const string DefaultSchedule = "0 */15 * * * *";
    /// <summary>Noncurrent bytes over this share (0 to 1) of a bucket's bytes are flagged.</summary>
    public const string NoncurrentShareSetting = "OBJECTSTORE_USAGE_NONCURRENT_SHARE";
    /// <summary>Unfinished uploads older than this (a TimeSpan, "1.00:00:00") are flagged.</summary>
    public const string StaleUploadAgeSetting = "OBJECTSTORE_USAGE_STALE_UPLOAD_AGE";

    internal static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        var defaults = new UsageOptions();
        var options = defaults with
        {
            NoncurrentShareWarning = configuration[NoncurrentShareSetting] is { Length: > 0 } share
                ? double.TryParse(share, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : throw new InvalidOperationException($"{NoncurrentShareSetting} must be a number from 0 to 1.")
                : defaults.NoncurrentShareWarning,
            StaleUploadAge = configuration[StaleUploadAgeSetting] is { Length: > 0 } age
                ? TimeSpan.TryParse(age, CultureInfo.InvariantCulture, out var a) ? a : throw new InvalidOperationException($"{StaleUploadAgeSetting} must be a duration such as 1.00:00:00.")
                : defaults.StaleUploadAge,
        };
        if (options.Validate() is { } problem)
            throw new InvalidOperationException(problem);
        _ = CronSchedule.Parse(Schedule(configuration));
        services.AddSingleton(options);
        services.AddSingleton<UsageService>();
        services.AddSingleton(sp => new UsageMetrics(sp.GetRequiredService<UsageService>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.AddHostedService<UsageGauges>();
        return services;
    }

    public static string Schedule(IConfiguration configuration) =>
        configuration[ScheduleSetting] is { Length: > 0 } schedule ? schedule : DefaultSchedule;

    /// <summary>Creates the usage gauges at start-up (an observable instrument exists once its meter does).</summary>
    private sealed class UsageGauges(UsageMetrics metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(metrics);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
