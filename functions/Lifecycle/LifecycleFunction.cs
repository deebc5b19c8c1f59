using Microsoft.Azure.Functions.Worker;
using ObjectStore.Background;

namespace ObjectStore.Functions.Lifecycle;

/// <summary>One bounded lifecycle pass (expire, transition, abort stale uploads) per timer tick.</summary>
internal sealed class LifecycleFunction(LifecycleService service)
{
    public const string Name = "Lifecycle";

    [Function(Name)]
    public Task RunAsync(
        [TimerTrigger("%" + BackgroundSchedules.LifecycleScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        service.RunPassAsync(cancellationToken);
}
