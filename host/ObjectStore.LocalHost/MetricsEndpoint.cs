using Microsoft.Extensions.Options;
using ObjectStore.Hosting;
using ObjectStore.Objects;

namespace ObjectStore.LocalHost;

/// <summary>
/// The Prometheus scrape endpoint: <c>GET /_metrics</c> on the S3 port, path-style only. Bucket names
/// cannot start with '_', so the path names no bucket; under a virtual-hosted name it is the object key
/// "_metrics" of that bucket and goes to S3 as usual. It is not signed (Prometheus cannot sign) and
/// carries no bucket names, keys or URLs: operation, zone, table, storage class and destination ARN only.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/_metrics";

    public static Func<HttpContext, bool> IsScrape(IServiceProvider services)
    {
        var baseDomain = services.GetRequiredService<IOptions<S3Options>>().Value.BaseDomain;
        return context => context.Request.Path == Path
            && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && GatewayFrontDoor.IsPathStyle(context, baseDomain);
    }
}
