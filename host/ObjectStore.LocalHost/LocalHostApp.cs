using System.Net;
using Microsoft.Extensions.Logging.Console;
using ObjectStore.Background;
using ObjectStore.Background.Notifications;
using ObjectStore.Background.Restore;
using ObjectStore.Hosting;
using ObjectStore.S3;
using OpenTelemetry.Metrics;

namespace ObjectStore.LocalHost;

/// <summary>
/// One process that composes the same core services the function apps call: the S3 handler on
/// Kestrel, the lifecycle and repair passes on their timer schedules, and the events-queue pump.
/// Tests build it in-process with their own settings.
/// </summary>
public static class LocalHostApp
{
    public const string PortSetting = "OBJECTSTORE_PORT";
    public const string BindAddressSetting = "OBJECTSTORE_BIND_ADDRESS";
    public const string LogFormatSetting = "OBJECTSTORE_LOG_FORMAT";
    public const string BackgroundSetting = "OBJECTSTORE_BACKGROUND";
    public const string MinRequestBodyRateSetting = "OBJECTSTORE_MIN_REQUEST_BODY_RATE";
    public const string MinRequestBodyGraceSetting = "OBJECTSTORE_MIN_REQUEST_BODY_GRACE";
    public const string MinFreeSpaceSetting = "OBJECTSTORE_MIN_FREE_SPACE";

    /// <param name="args">Command-line arguments (configuration).</param>
    /// <param name="overrides">Settings that win over the environment (tests pass their own).</param>
    /// <param name="configureServices">Runs after the host's own registrations (tests add a log capture).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (overrides is not null)
            builder.Configuration.AddInMemoryCollection(overrides);
        var configuration = builder.Configuration;

        ConfigureLogging(builder.Logging, configuration[LogFormatSetting]);
        var port = int.TryParse(configuration[PortSetting], out var p) ? p : 9000;
        var address = IPAddress.Parse(configuration[BindAddressSetting] is { Length: > 0 } a ? a : "127.0.0.1");
        var minBodyRate = BodyDataRate.Read(configuration);
        var minFreeSpace = FreeSpaceThreshold.Read(configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port, ConnectionEdge.Use);
            kestrel.AddServerHeader = false;
            // Multi-GiB PUTs stream through; the data store bounds memory, not Kestrel.
            kestrel.Limits.MaxRequestBodySize = null;
            // A body that trickles is cut (S3's RequestTimeout); the rate counts only time spent waiting for the client.
            kestrel.Limits.MinRequestBodyDataRate = minBodyRate;
        });

        // Larger receive blocks: fewer socket reads per large body (ReceiveBlockPool).
        builder.Services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, ReceiveBlockPool.Factory>();
        builder.Services.AddObjectStoreGateway(configuration);
        // Metrics: a Prometheus scrape endpoint by default here (docs/metrics.md); Azure Monitor or off by OBJECTSTORE_METRICS.
        var metrics = MetricsRegistrations.Read(configuration, MetricsExport.Prometheus);
        if (metrics == MetricsExport.Prometheus)
        {
            // The exporter's default keeps an answer for 300 ms: a scrape right after a pass would show the counts before it.
            builder.Services.AddObjectStoreMetrics(configuration, metrics, m => m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }
        // Only this host has a local disk to watch: the function apps register no write admission.
        builder.Services.AddSingleton<IWriteAdmission>(sp => new DiskSpaceGuard(sp.GetRequiredService<ObjectStoreSettings>().DataDirectory,
            minFreeSpace, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DiskSpaceGuard>>()));
        if (!string.Equals(configuration[BackgroundSetting], "off", StringComparison.OrdinalIgnoreCase))
            AddBackgroundWork(builder.Services, configuration);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        if (metrics == MetricsExport.Prometheus)
            app.UseOpenTelemetryPrometheusScrapingEndpoint(MetricsEndpoint.IsScrape(app.Services));
        var handler = app.Services.GetRequiredService<GatewayFrontDoor>();
        app.Run(context => ConnectionEdge.HandleAsync(context, handler));
        return app;
    }

    /// <summary>The same schedules and queues the Lifecycle (timer and restore queue), Repair and Notify (queue and outbox sweep) functions bind to.</summary>
    private static void AddBackgroundWork(IServiceCollection services, IConfiguration configuration)
    {
        // Registered as plain IHostedService singletons: AddHostedService(factory) de-duplicates by the
        // factory's return type, so a second ScheduledPassRunner registered that way is silently dropped.
        AddPass(services, "Lifecycle", s => s.LifecycleSchedule, sp => sp.GetRequiredService<LifecycleService>().RunPassAsync);
        AddPass(services, "Repair", s => s.RepairSchedule, sp => sp.GetRequiredService<RepairService>().RunPassAsync);
        AddPass(services, "Usage", _ => UsageRegistrations.Schedule(configuration), sp => sp.GetRequiredService<UsageService>().RunPassAsync);
        AddPass(services, "Outbox sweep", s => s.OutboxSweepSchedule, sp => async ct => await sp.GetRequiredService<OutboxRelay>().SweepAsync(ct));
        AddQueuePump(services, sp => sp.GetRequiredService<ObjectStoreSettings>().EventsQueue, sp => sp.GetRequiredService<NotificationDispatcher>().DispatchAsync);
        AddQueuePump(services, sp => sp.GetRequiredService<ObjectStoreSettings>().RestoreQueue, sp => sp.GetRequiredService<RestoreWorker>().HandleAsync);
    }

    private static void AddQueuePump(IServiceCollection services, Func<IServiceProvider, string> queue,
        Func<IServiceProvider, Func<string, long, CancellationToken, Task>> handle) =>
        services.AddSingleton<IHostedService>(sp => new QueuePump(queue(sp), handle(sp),
            sp.GetRequiredService<ObjectStore.Queues.IMessageQueues>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<QueuePump>>()));

    private static void AddPass(IServiceCollection services, string name, Func<ObjectStoreSettings, string> schedule,
        Func<IServiceProvider, Func<CancellationToken, Task>> pass) =>
        services.AddSingleton<IHostedService>(sp => new ScheduledPassRunner(
            name, CronSchedule.Parse(schedule(sp.GetRequiredService<ObjectStoreSettings>())), pass(sp),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ScheduledPassRunner>>()));

    private static void ConfigureLogging(ILoggingBuilder logging, string? format)
    {
        logging.ClearProviders();
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
            logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
        else
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        logging.AddFilter("Azure", LogLevel.Warning);
    }
}
