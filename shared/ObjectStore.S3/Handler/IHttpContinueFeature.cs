namespace ObjectStore.S3;

/// <summary>
/// Sends the interim <c>HTTP/1.1 100 Continue</c> on the client's connection. Kestrel sends one by
/// itself only when a non-empty body is read; a host whose clients need it for every request that
/// asked for it (boto3 sends an empty PutObject with <c>Expect: 100-continue</c> and, answered
/// without one, misreads the next response on the connection) provides this feature on the
/// request's or the connection's feature collection. The handler calls it just before the final
/// answer of such a request; a host without it (the Functions worker, behind the host's proxy)
/// changes nothing.
/// </summary>
public interface IHttpContinueFeature
{
    /// <summary>Writes and flushes the interim response; only called before the final response starts.</summary>
    ValueTask SendContinueAsync(CancellationToken cancellationToken);
}
