using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace ObjectStore.Index.Tables;

/// <summary>
/// Index call latencies and errors on the "ObjectStore.Index" meter, measured in the Table client's
/// own HTTP pipeline (a per-call policy, so one call's retries count once): every request the index,
/// the scan state, the identities and the outbox send to Table storage, by table and operation.
/// Measuring at this seam needs no change to the index code itself.
/// </summary>
public sealed class TableCallMetrics : HttpPipelinePolicy, IDisposable
{
    public const string MeterName = "ObjectStore.Index";

    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;
    private readonly string _tablePrefix;

    /// <param name="tablePrefix">Stripped from table names in the "table" attribute (Objects, Uploads ... rather than the deployment's names).</param>
    public TableCallMetrics(IMeterFactory? meterFactory, string tablePrefix)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _tablePrefix = tablePrefix;
        _duration = _meter.CreateHistogram<double>("objectstore.index.call.duration", "s", "Table storage calls of the index, by table, operation and status",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _errors = _meter.CreateCounter<long>("objectstore.index.call.errors", "{error}", "Table storage calls that failed (5xx, 429 or no answer), by table and operation");
    }

    /// <summary>Client options with this policy in the pipeline and the index's retry policy (<see cref="TableRetryPolicy"/>).</summary>
    public TableClientOptions ClientOptions(TableRetrySettings? retry = null)
    {
        var options = new TableClientOptions { RetryPolicy = new TableRetryPolicy(retry ?? TableRetrySettings.Default) };
        options.AddPolicy(this, HttpPipelinePosition.PerCall);
        return options;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            Record(message, started);
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Record(message, started);
        }
    }

    private void Record(HttpMessage message, long started)
    {
        var (table, operation) = Describe(message.Request);
        var status = message.HasResponse ? message.Response.Status : 0;
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new TagList
        {
            { "table", table }, { "operation", operation }, { "http.response.status_code", status },
        });
        if (status == 0 || status >= 500 || status == 429)
            _errors.Add(1, new TagList { { "table", table }, { "operation", operation } });
    }

    /// <summary>The table (prefix stripped) and a name for the call: query, get, insert, update, delete, batch, table.</summary>
    internal (string Table, string Operation) Describe(Request request)
    {
        var path = request.Uri.Path;
        var segment = path[(path.LastIndexOf('/') + 1)..];
        var paren = segment.IndexOf('(', StringComparison.Ordinal);
        var name = paren < 0 ? segment : segment[..paren];
        var keyed = paren >= 0 && segment.Length > paren + 2; // Table(PartitionKey='..',RowKey='..')
        if (name == "$batch")
            return ("*", "batch");
        if (name == "Tables")
            return ("*", "table");
        var table = name.StartsWith(_tablePrefix, StringComparison.OrdinalIgnoreCase) ? name[_tablePrefix.Length..] : name;
        var method = request.Method.Method;
        var operation = method switch
        {
            "GET" => keyed ? "get" : "query",
            "POST" => "insert",
            "PUT" or "MERGE" or "PATCH" => "update",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
        return (table.Length == 0 ? name : table, operation);
    }

    public void Dispose() => _meter.Dispose();
}
