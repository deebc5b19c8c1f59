using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ObjectStore.Objects;
using ObjectStore.S3;
using ObjectStore.S3.Protocol;

namespace ObjectStore.Hosting;

/// <summary>
/// What both hosts (the Gateway function, the local host) hand every request to: the console's static
/// files under <see cref="ConsoleAssets.PathPrefix"/> (path-style only: bucket names cannot start with
/// '_', so the path names no bucket; on a virtual-hosted name it is an object key and goes to S3),
/// and everything else to <see cref="S3RequestHandler"/>, timed and counted (<see cref="GatewayMetrics"/>).
/// </summary>
public sealed class GatewayFrontDoor(S3RequestHandler handler, GatewayMetrics metrics, ConsoleAssets console, IOptions<S3Options> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsPathStyle(context, options.Value.BaseDomain) && await console.TryServeAsync(context))
            return;

        var started = Stopwatch.GetTimestamp();
        metrics.Started();
        try
        {
            await handler.HandleAsync(context);
        }
        finally
        {
            var summary = context.Features.Get<S3RequestSummary>();
            metrics.Completed(context.Request.Method, summary?.Operation ?? "-", summary?.Status ?? context.Response.StatusCode,
                summary?.BytesIn ?? 0, summary?.BytesOut ?? 0, started);
        }
    }

    /// <summary>True when the Host header names no bucket (the path's first segment would).</summary>
    public static bool IsPathStyle(HttpContext context, string? baseDomain) =>
        S3Addressing.BucketFromHost(context?.Request.Host.Value, baseDomain) is null;
}
