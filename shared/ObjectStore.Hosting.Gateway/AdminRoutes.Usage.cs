using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Objects.Errors;
using ObjectStore.S3;
using ObjectStore.S3.Admin;

namespace ObjectStore.Hosting;

internal static partial class AdminRoutes
{
    /// <summary>
    /// <c>GET usage[?bucket=B]</c>: each bucket's usage and monthly cost as of the last usage pass over it.
    /// <c>POST usage/run[?bucket=B]</c>: one usage pass now (every bucket, or B), then the same answer.
    /// </summary>
    private static void AddUsage(IServiceCollection services)
    {
        services.AddAdminRoute("GET", "usage", sp => async (request, ct) =>
            AdminResult.Ok(await ReportAsync(sp.GetRequiredService<UsageService>(), request.QueryValue("bucket"), ct).ConfigureAwait(false)));
        services.AddAdminRoute("POST", "usage/run", sp => async (request, ct) =>
        {
            var usage = sp.GetRequiredService<UsageService>();
            var bucket = request.QueryValue("bucket");
            if (bucket is not null && await ReportAsync(usage, bucket, ct).ConfigureAwait(false) is null)
                throw S3Errors.NoSuchBucketError(bucket);
            await usage.RunAsync(string.IsNullOrEmpty(bucket) ? null : bucket, ct).ConfigureAwait(false);
            return AdminResult.Ok(await ReportAsync(usage, bucket, ct).ConfigureAwait(false));
        });
    }

    private static async Task<UsageReport> ReportAsync(UsageService usage, string? bucket, CancellationToken ct) =>
        await usage.GetReportAsync(string.IsNullOrEmpty(bucket) ? null : bucket, ct).ConfigureAwait(false)
            ?? throw S3Errors.NoSuchBucketError(bucket!);
}
