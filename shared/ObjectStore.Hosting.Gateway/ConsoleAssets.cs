using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace ObjectStore.Hosting;

/// <summary>
/// The operator console: static files embedded in this assembly (Console/*), served read-only under
/// <see cref="PathPrefix"/>. The page signs its own admin API calls (SigV4 in the browser, with an admin
/// user's key), so it can do nothing the admin API does not allow that key; the files themselves hold no data.
/// </summary>
public sealed class ConsoleAssets
{
    public const string PathPrefix = "/_console/";
    private const string ResourcePrefix = "ObjectStore.Hosting.Console.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            _files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }
    }

    public IReadOnlyCollection<string> Files => _files.Keys;

    /// <summary>Answers a request under the console's path (true); false for any other path.</summary>
    public async Task<bool> TryServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path.Value ?? "";
        if (path == PathPrefix.TrimEnd('/'))
        {
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = PathPrefix;
            return true;
        }
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal))
            return false;

        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            return true;
        }
        var name = path.Length == PathPrefix.Length ? "index.html" : path[PathPrefix.Length..];
        if (!_files.TryGetValue(name, out var bytes))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync("No such console file.\n", context.RequestAborted);
            return true;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentTypes.TryGetValue(Path.GetExtension(name), out var type) ? type : "application/octet-stream";
        response.ContentLength = bytes.Length;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["Content-Security-Policy"] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(bytes, context.RequestAborted);
        return true;
    }
}
