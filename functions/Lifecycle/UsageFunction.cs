using Microsoft.Azure.Functions.Worker;
using ObjectStore.Background;
using ObjectStore.Hosting;

namespace ObjectStore.Functions.Lifecycle;

/// <summary>One bounded usage pass (objects, bytes and cost per bucket, from a persisted cursor) per timer tick.</summary>
internal sealed class UsageFunction(UsageService service)
{
    public const string Name = "Usage";

    [Function(Name)]
    public Task RunAsync(
        [TimerTrigger("%" + UsageRegistrations.ScheduleSetting + "%")] TimerInfo timer,
        CancellationToken cancellationToken) =>
        service.RunPassAsync(cancellationToken);
}
