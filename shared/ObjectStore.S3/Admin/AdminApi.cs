using System.Text.Json;
using System.Text.Json.Serialization;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Admin;

/// <summary>
/// The admin API's route table: the paths under <c>/_admin/v1/</c>. Bucket names cannot start with
/// '_', so no admin path can ever name a bucket. Requests are SigV4-signed like S3 requests; only
/// the operators' keys (<see cref="IsAdmin"/>) may call it.
/// </summary>
public sealed class AdminApi
{
    public const string PathPrefix = "/_admin/v1/";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly Dictionary<(string Method, string Path), AdminHandler> _routes = new();
    private readonly HashSet<string> _adminKeys;

    /// <param name="routes">Every registered route.</param>
    /// <param name="adminAccessKeys">Access keys allowed to call the admin API (the root key).</param>
    public AdminApi(IEnumerable<AdminRoute> routes, IEnumerable<string> adminAccessKeys)
    {
        foreach (var route in routes)
        {
            var key = (route.Method.ToUpperInvariant(), route.Path.Trim('/'));
            if (!_routes.TryAdd(key, route.Handler))
                throw new InvalidOperationException($"Admin route {key.Item1} {key.Item2} is registered twice.");
        }
        _adminKeys = new HashSet<string>(adminAccessKeys, StringComparer.Ordinal);
    }

    public IEnumerable<(string Method, string Path)> Routes => _routes.Keys.OrderBy(r => r.Path, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal);

    public static bool IsAdminPath(string rawPath) => rawPath.StartsWith(PathPrefix, StringComparison.Ordinal) || rawPath == PathPrefix.TrimEnd('/');

    public bool IsAdmin(string accessKey) => _adminKeys.Contains(accessKey);

    /// <summary>Finds the handler; throws the S3 error a client should see when there is none.</summary>
    internal AdminHandler Resolve(string method, string path)
    {
        if (_routes.TryGetValue((method, path), out var handler))
            return handler;
        if (MatchTemplate(method, path) is { } templated)
            return templated;
        if (_routes.Keys.Any(r => r.Path == path || TryBind(r.Path, path) is not null))
            throw new S3Exception(S3Errors.MethodNotAllowed, $"The admin operation {path} does not allow {method}.", PathPrefix + path);
        throw new S3Exception(S3Errors.NoSuchAdminOperation, $"There is no admin operation {method} {path}.", PathPrefix + path);
    }

    /// <summary>
    /// A route whose path has <c>{name}</c> segments (e.g. "users/{user}/keys") matches any one segment
    /// there; the handler sees the values in <see cref="AdminRequest.RouteValues"/>.
    /// </summary>
    private AdminHandler? MatchTemplate(string method, string path)
    {
        foreach (var ((routeMethod, template), handler) in _routes)
        {
            if (routeMethod != method || !template.Contains('{', StringComparison.Ordinal) || TryBind(template, path) is not { } values)
                continue;
            return (request, ct) => handler(request with { RouteValues = values }, ct);
        }
        return null;
    }

    private static Dictionary<string, string>? TryBind(string template, string path)
    {
        if (!template.Contains('{', StringComparison.Ordinal))
            return null;
        var expected = template.Split('/');
        var actual = path.Split('/');
        if (expected.Length != actual.Length)
            return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i].StartsWith('{') && expected[i].EndsWith('}') && actual[i].Length > 0)
                values[expected[i][1..^1]] = actual[i];
            else if (expected[i] != actual[i])
                return null;
        }
        return values;
    }
}
