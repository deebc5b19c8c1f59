using System.Diagnostics;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ObjectStore.Index.Tables;

/// <summary>How long and how often one Table call is retried when storage throttles (docs/connections.md, "Throttling").</summary>
/// <param name="Budget">Wall time one call may spend in attempts and back-off before it gives up (OBJECTSTORE_INDEX_RETRY_BUDGET_MS).</param>
/// <param name="MaxRetries">Retries after the first attempt, whatever the budget.</param>
/// <param name="InitialDelay">First back-off; it doubles per retry, with the SDK's ±20% jitter.</param>
/// <param name="MaxDelay">Cap of one back-off.</param>
public sealed record TableRetrySettings(TimeSpan Budget, int MaxRetries, TimeSpan InitialDelay, TimeSpan MaxDelay)
{
    public const string BudgetSetting = "OBJECTSTORE_INDEX_RETRY_BUDGET_MS";

    public static TableRetrySettings Default { get; } = new(TimeSpan.FromSeconds(2), 6, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));

    /// <summary>The default settings with <paramref name="budgetMs"/> (null: the default budget; 0: no retries at all).</summary>
    public static TableRetrySettings WithBudget(int? budgetMs) =>
        budgetMs is not { } ms ? Default
        : ms < 0 ? throw new ArgumentOutOfRangeException(nameof(budgetMs), $"{BudgetSetting} must be 0 or more milliseconds.")
        : Default with { Budget = TimeSpan.FromMilliseconds(ms), MaxRetries = ms == 0 ? 0 : Default.MaxRetries };
}

/// <summary>
/// The Table client's retry policy, replacing the SDK's default one (3 retries from 0.8 s on 408, 429, 500,
/// 502, 503, 504 for every method, which retried a conditional write after an OperationTimedOut whose outcome
/// is unknown). This one:
/// <list type="bullet">
/// <item>retries reads (GET, HEAD) on 408, 429, 500, 502, 503, 504 and transport errors;</item>
/// <item>retries writes (inserts, If-Match updates and deletes, entity-group transactions) only on 503 and 429,
/// which Azure guarantees were not applied, including a transaction answered 202 whose change set failed 503;</item>
/// <item>never retries a write answered 500 OperationTimedOut (or 502/504): it may have been applied, and a retried
/// insert or If-Match would come back 409/412 and read as a lost race;</item>
/// <item>starts no retry once <see cref="TableRetrySettings.Budget"/> is spent (so a call ends within the budget plus one
/// back-off of at most <see cref="TableRetrySettings.MaxDelay"/> and one attempt) and honours the call's cancellation token (the SDK waits on it);</item>
/// <item>turns what is still 503 ServerBusy or 500 OperationTimedOut at the end into <see cref="IndexBusyException"/>,
/// the contract's signal that the S3 layer answers with 503 SlowDown.</item>
/// </list>
/// Transport errors on writes keep the SDK's behaviour (retried), as before this policy.
/// </summary>
public sealed class TableRetryPolicy(TableRetrySettings settings)
    : RetryPolicy(settings.MaxRetries, DelayStrategy.CreateExponentialDelayStrategy(settings.InitialDelay, settings.MaxDelay))
{
    private static readonly TimeSpan ClientRetryAfter = TimeSpan.FromSeconds(1);

    public TableRetrySettings Settings { get; } = settings;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        message.SetProperty(typeof(TableRetryPolicy), Stopwatch.GetTimestamp());
        for (var retry = 1; ; retry++)
        {
            await base.ProcessAsync(message, pipeline).ConfigureAwait(false);
            if (ChangeSetDelay(message, retry) is not { } delay)
                break;
            await Task.Delay(delay, message.CancellationToken).ConfigureAwait(false);
        }
        ThrowIfBusy(message);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        message.SetProperty(typeof(TableRetryPolicy), Stopwatch.GetTimestamp());
        for (var retry = 1; ; retry++)
        {
            base.Process(message, pipeline);
            if (ChangeSetDelay(message, retry) is not { } delay)
                break;
            message.CancellationToken.WaitHandle.WaitOne(delay);
            message.CancellationToken.ThrowIfCancellationRequested();
        }
        ThrowIfBusy(message);
    }

    /// <summary>
    /// The wait before re-sending a transaction answered 202 with a change set that failed 503 (the SDK's retry
    /// policy never sees it: 202 is no error to it), or null when it is not one or the budget or retries are spent.
    /// </summary>
    private TimeSpan? ChangeSetDelay(HttpMessage message, int retry)
    {
        if (retry > Settings.MaxRetries || !message.HasResponse || message.Response.Status != 202 || !IsBatch(message.Request)
            || ClassifyChangeSet(message.Response) != Outcome.NotApplied)
            return null;
        var remaining = Remaining(message);
        if (remaining <= TimeSpan.Zero)
            return null;
        var delay = Settings.InitialDelay * Math.Pow(2, retry - 1) * (0.8 + 0.4 * Random.Shared.NextDouble());
        delay = delay < Settings.MaxDelay ? delay : Settings.MaxDelay;
        return delay < remaining ? delay : remaining;
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception)
    {
        if (Remaining(message) <= TimeSpan.Zero)
            return false;
        if (exception is not null)
            return base.ShouldRetry(message, exception);
        return Classify(message) switch
        {
            Outcome.NotApplied => true,
            Outcome.Failed or Outcome.Unknown => IsRead(message.Request),
            _ => false,
        };
    }

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) => new(ShouldRetry(message, exception));

    private TimeSpan Remaining(HttpMessage message) =>
        message.TryGetProperty(typeof(TableRetryPolicy), out var started) && started is long start
            ? Settings.Budget - Stopwatch.GetElapsedTime(start)
            : Settings.Budget;

    private static void ThrowIfBusy(HttpMessage message)
    {
        switch (Classify(message))
        {
            case Outcome.NotApplied:
                throw new IndexBusyException("ServerBusy", ClientRetryAfter);
            case Outcome.Unknown:
                throw new IndexBusyException("OperationTimedOut", ClientRetryAfter) { OutcomeUnknown = !IsRead(message.Request) };
        }
    }

    private enum Outcome { Done, NotApplied, Unknown, Failed }

    /// <summary>
    /// NotApplied: 503 (ServerBusy, ServerUnavailable) or 429, also as the failed change set of a 202 transaction answer.
    /// Unknown: 500 OperationTimedOut. Failed: another 408/5xx. Done: everything else (success or a definite 4xx).
    /// </summary>
    private static Outcome Classify(HttpMessage message)
    {
        if (!message.HasResponse)
            return Outcome.Done;
        var response = message.Response;
        var status = response.Status;
        if (status == 202 && IsBatch(message.Request))
            return ClassifyChangeSet(response);
        return status switch
        {
            503 or 429 => Outcome.NotApplied,
            500 when HasCode(response, "OperationTimedOut") => Outcome.Unknown,
            408 or 500 or 502 or 504 => Outcome.Failed,
            _ => Outcome.Done,
        };
    }

    /// <summary>A transaction's answer is 202 with the failed operation's status line inside (it rolled back as a whole).</summary>
    private static Outcome ClassifyChangeSet(Response response)
    {
        if (Body(response) is not { } body)
            return Outcome.Done; // not buffered: the SDK reports it as a TableTransactionFailedException
        if (body.Contains("HTTP/1.1 503 ", StringComparison.Ordinal) || body.Contains("HTTP/1.1 429 ", StringComparison.Ordinal))
            return Outcome.NotApplied;
        if (body.Contains("HTTP/1.1 500 ", StringComparison.Ordinal) && body.Contains("OperationTimedOut", StringComparison.Ordinal))
            return Outcome.Unknown;
        return Outcome.Done;
    }

    private static bool HasCode(Response response, string code) =>
        (response.Headers.TryGetValue("x-ms-error-code", out var header) && header == code)
        || (Body(response)?.Contains(code, StringComparison.Ordinal) ?? false);

    /// <summary>The buffered answer's text (error answers and transaction answers are small), or null when it was streamed.</summary>
    private static string? Body(Response response) =>
        response.ContentStream is null ? "" : response.ContentStream is MemoryStream ? response.Content.ToString() : null;

    private static bool IsRead(Request request) => request.Method == RequestMethod.Get || request.Method == RequestMethod.Head;

    private static bool IsBatch(Request request) => request.Uri.Path.EndsWith("/$batch", StringComparison.Ordinal);
}
