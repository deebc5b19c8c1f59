using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ObjectStore.Hosting;

/// <summary>
/// Request instruments on the "ObjectStore.Gateway" meter: OpenTelemetry's
/// <c>http.server.request.duration</c> (with the S3 operation and the status class as attributes),
/// requests by operation and status class, and body bytes in and out by operation.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "ObjectStore.Gateway";

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _received;
    private readonly Counter<long> _sent;
    private readonly UpDownCounter<long> _active;

    public GatewayMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _duration = _meter.CreateHistogram<double>("http.server.request.duration", "s", "Duration of S3 and admin requests",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60] });
        _requests = _meter.CreateCounter<long>("objectstore.s3.requests", "{request}", "Requests by S3 operation and status class");
        _received = _meter.CreateCounter<long>("objectstore.s3.received", "By", "Request body bytes read, by S3 operation");
        _sent = _meter.CreateCounter<long>("objectstore.s3.sent", "By", "Response body bytes written, by S3 operation");
        _active = _meter.CreateUpDownCounter<long>("http.server.active_requests", "{request}", "Requests being answered");
    }

    public void Started() => _active.Add(1);

    public void Completed(string method, string operation, int status, long bytesIn, long bytesOut, long started)
    {
        _active.Add(-1);
        var statusClass = StatusClass(status);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList
        {
            { "http.request.method", method }, { "http.response.status_code", status },
            { "s3.operation", operation }, { "status_class", statusClass },
        });
        _requests.Add(1, new TagList { { "s3.operation", operation }, { "status_class", statusClass } });
        var op = new KeyValuePair<string, object?>("s3.operation", operation);
        if (bytesIn > 0) _received.Add(bytesIn, op);
        if (bytesOut > 0) _sent.Add(bytesOut, op);
    }

    public static string StatusClass(int status) => status switch
    {
        >= 100 and < 600 => (status / 100) + "xx",
        _ => "other",
    };

    public void Dispose() => _meter.Dispose();
}
