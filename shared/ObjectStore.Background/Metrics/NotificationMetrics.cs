using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ObjectStore.Background.Notifications;

/// <summary>
/// Event delivery on the "ObjectStore.Notifications" meter, by destination name (never its URL, which
/// may carry a secret): attempts by outcome, poisoned events, and the time from commit to delivery.
/// </summary>
public sealed class NotificationMetrics : IDisposable
{
    public const string MeterName = "ObjectStore.Notifications";

    private readonly Meter _meter;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _poisoned;
    private readonly Histogram<double> _lag;

    public NotificationMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _attempts = _meter.CreateCounter<long>("objectstore.events.delivery.attempts", "{attempt}", "Delivery attempts by destination and outcome (delivered, failed)");
        _poisoned = _meter.CreateCounter<long>("objectstore.events.poisoned", "{event}", "Events moved to the poison queue, by destination");
        _lag = _meter.CreateHistogram<double>("objectstore.events.delivery.lag", "s", "Time from the commit to the delivery, by destination",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600] });
    }

    internal void Delivered(string destination, TimeSpan? lag)
    {
        _attempts.Add(1, new TagList { { "destination", destination }, { "outcome", "delivered" } });
        if (lag is { } l && l >= TimeSpan.Zero)
            _lag.Record(l.TotalSeconds, new KeyValuePair<string, object?>("destination", destination));
    }

    internal void Failed(string destination) =>
        _attempts.Add(1, new TagList { { "destination", destination }, { "outcome", "failed" } });

    internal void Poisoned(string destination) =>
        _poisoned.Add(1, new KeyValuePair<string, object?>("destination", destination));

    public void Dispose() => _meter.Dispose();
}
