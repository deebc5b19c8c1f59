using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.S3;
using ObjectStore.S3.Admin;

namespace ObjectStore.Hosting;

internal static partial class AdminRoutes
{
    /// <summary><c>GET repair/report</c>: the health report; <c>POST repair/run</c>: one repair pass now, then the report.</summary>
    private static void AddRepair(IServiceCollection services)
    {
        services.AddAdminRoute("GET", "repair/report", sp => async (_, cancellationToken) =>
            AdminResult.Ok(await sp.GetRequiredService<RepairService>().GetReportAsync(cancellationToken).ConfigureAwait(false)));
        services.AddAdminRoute("POST", "repair/run", sp => async (_, cancellationToken) =>
            AdminResult.Ok(await sp.GetRequiredService<RepairService>().RunPassAsync(cancellationToken).ConfigureAwait(false)));
    }
}
