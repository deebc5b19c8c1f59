using System.Text.RegularExpressions;
using Azure.Core;

namespace ObjectStore.Index.Tests;

/// <summary>
/// Counts object-table requests: transactions (and the failed ones: a sub-response not 2xx) and everything
/// else (point reads, queries). Requests to the buckets table (the routing read, cached) are not counted.
/// </summary>
internal sealed partial class TableRequestLog : CountingPolicy
{
    private int _transactions;
    private int _failedTransactions;
    private int _others;

    public (int Transactions, int Failed, int Others) Counts => (_transactions, _failedTransactions, _others);

    public void Reset()
    {
        Interlocked.Exchange(ref _transactions, 0);
        Interlocked.Exchange(ref _failedTransactions, 0);
        Interlocked.Exchange(ref _others, 0);
    }

    protected override void Count(HttpMessage message)
    {
        var path = message.Request.Uri.Path;
        if (path.EndsWith("$batch", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _transactions);
            var body = message.Response.Content?.ToString() ?? "";
            if (SubResponseStatus().Matches(body).Any(m => m.Groups[1].Value[0] != '2'))
                Interlocked.Increment(ref _failedTransactions);
        }
        else if (!path.Contains("Buckets", StringComparison.Ordinal))
            Interlocked.Increment(ref _others);
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})")]
    private static partial Regex SubResponseStatus();
}
