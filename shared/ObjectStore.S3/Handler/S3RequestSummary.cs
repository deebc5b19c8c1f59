namespace ObjectStore.S3;

/// <summary>
/// Left on the request's features by <see cref="S3RequestHandler"/> once it has answered: what the
/// host's request metrics record (the handler itself holds no meter).
/// </summary>
/// <param name="Operation">The S3 operation routed to ("GetObject" ...), "Admin" for the admin API, "-" when none was (refused before routing).</param>
/// <param name="Status">The status answered (499 when the client went away first).</param>
/// <param name="BytesIn">Request body bytes read.</param>
/// <param name="BytesOut">Response body bytes written.</param>
public sealed record S3RequestSummary(string Operation, int Status, long BytesIn, long BytesOut);
