using Microsoft.Azure.Functions.Worker;
using ObjectStore.Background;

namespace ObjectStore.Functions.Repair;

/// <summary>One bounded repair pass (rebuild missing or corrupt shards, collect orphans) per timer tick.</summary>
internal sealed class RepairFunction(RepairService service)
{
    public const string Name = "Repair";

    [Function(Name)]
    public Task RunAsync(
        [TimerTrigger("%" + BackgroundSchedules.RepairScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        service.RunPassAsync(cancellationToken);
}
