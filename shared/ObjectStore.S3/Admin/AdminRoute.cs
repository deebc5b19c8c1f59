namespace ObjectStore.S3.Admin;

/// <summary>
/// One operation of the admin API (<c>/_admin/v1/{Path}</c>). Background services stay free of HTTP:
/// the host composes routes from them (shared/ObjectStore.Hosting/AdminRoutes*.cs).
/// </summary>
public delegate Task<AdminResult> AdminHandler(AdminRequest request, CancellationToken cancellationToken);

/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">The route path after <c>/_admin/v1/</c>, e.g. "repair/run".</param>
/// <param name="Handler">What answers it.</param>
public sealed record AdminRoute(string Method, string Path, AdminHandler Handler);

/// <param name="Method">HTTP method, upper case.</param>
/// <param name="Path">The decoded path after <c>/_admin/v1/</c>, without a trailing slash.</param>
/// <param name="Query">Decoded query parameters.</param>
/// <param name="Body">The request body (signature verified as it is read).</param>
/// <param name="AccessKey">Who signed the request.</param>
public sealed record AdminRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, Stream Body, string AccessKey)
{
    public string? QueryValue(string name) => Query.TryGetValue(name, out var value) ? value : null;

    /// <summary>Values of the route's <c>{name}</c> path segments.</summary>
    public IReadOnlyDictionary<string, string> RouteValues { get; init; } = new Dictionary<string, string>();

    public string RouteValue(string name) => RouteValues[name];
}

/// <param name="Status">HTTP status.</param>
/// <param name="Body">Written as JSON (camelCase); null for no body.</param>
public sealed record AdminResult(int Status, object? Body)
{
    public static AdminResult Ok(object? body) => new(200, body);
    public static AdminResult NoContent() => new(204, null);
}

/// <summary>An access key allowed to call the admin API (registered with AddAdminAccessKey).</summary>
public sealed record AdminAccessKey(string AccessKey);
