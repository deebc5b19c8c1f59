using ObjectStore.Background;
using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

[Collection(FunctionAppBuildsCollection.Name)]
public sealed class BackgroundMetadataTests(FunctionAppBuilds builds)
{
    [Fact]
    public void Lifecycle_timer_reads_its_schedule_from_the_lifecycle_setting()
    {
        var function = Assert.Single(FunctionEntry.Read(builds.Output(FunctionApp.Lifecycle)), f => f.Name == "Lifecycle");

        Assert.Equal("timerTrigger", function.Trigger.String("type"));
        Assert.Equal("%OBJECTSTORE_LIFECYCLE_SCHEDULE%", function.Trigger.String("schedule"));
        Assert.Equal($"%{BackgroundSchedules.LifecycleScheduleSetting}%", function.Trigger.String("schedule"));
    }

    [Fact]
    public void Repair_timer_reads_its_schedule_from_the_repair_setting()
    {
        var function = Assert.Single(FunctionEntry.Read(builds.Output(FunctionApp.Repair)));

        Assert.Equal("Repair", function.Name);
        Assert.Equal("timerTrigger", function.Trigger.String("type"));
        Assert.Equal("%OBJECTSTORE_REPAIR_SCHEDULE%", function.Trigger.String("schedule"));
        Assert.Equal($"%{BackgroundSchedules.RepairScheduleSetting}%", function.Trigger.String("schedule"));
    }

    [Fact]
    public void Notify_is_a_string_queue_trigger_on_the_events_queue_setting_through_the_storage_setting()
    {
        var function = Assert.Single(FunctionEntry.Read(builds.Output(FunctionApp.Notify)), f => f.Name == "Notify");

        var trigger = function.Trigger;
        Assert.Equal("queueTrigger", trigger.String("type"));
        Assert.Equal("%OBJECTSTORE_EVENTS_QUEUE%", trigger.String("queueName"));
        Assert.Equal($"%{BackgroundSchedules.EventsQueueSetting}%", trigger.String("queueName"));
        Assert.Equal("OBJECTSTORE_STORAGE_CONNECTION_STRING", trigger.String("connection"));
        Assert.Equal(BackgroundSchedules.StorageConnectionSetting, trigger.String("connection"));
        Assert.Equal("String", trigger.String("dataType"));
    }

    [Fact]
    public void Notify_app_sweeps_the_outbox_on_the_sweep_schedule_setting()
    {
        var functions = FunctionEntry.Read(builds.Output(FunctionApp.Notify));
        var sweep = Assert.Single(functions, f => f.Name == "OutboxSweep");

        Assert.Equal(2, functions.Count);
        Assert.Equal("timerTrigger", sweep.Trigger.String("type"));
        Assert.Equal($"%{BackgroundSchedules.OutboxSweepScheduleSetting}%", sweep.Trigger.String("schedule"));
    }

    [Fact]
    public void Notify_host_json_reads_base64_messages_and_gives_up_after_five_deliveries()
    {
        var host = JsonFiles.Read(Path.Combine(builds.Output(FunctionApp.Notify), "host.json"));

        var queues = host.GetProperty("extensions").GetProperty("queues");
        Assert.Equal(BackgroundSchedules.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("base64", queues.String("messageEncoding"), ignoreCase: true);
    }

    [Fact]
    public void Notify_build_registers_the_storage_queues_extension_with_the_host()
    {
        var extensions = JsonFiles.Read(Path.Combine(builds.Output(FunctionApp.Notify), "extensions.json"));

        Assert.Contains(
            extensions.GetProperty("extensions").EnumerateArray(),
            e => e.String("name") == "AzureStorageQueues");
    }

    [Fact]
    public void Lifecycle_app_makes_restore_copies_from_the_restore_queue_setting_with_base64_messages_and_five_deliveries()
    {
        var output = builds.Output(FunctionApp.Lifecycle);
        var functions = FunctionEntry.Read(output);
        var restore = Assert.Single(functions, f => f.Name == "Restore");

        Assert.Equal(3, functions.Count); // Lifecycle, Restore and the Usage timer
        var usage = Assert.Single(functions, f => f.Name == "Usage");
        Assert.Equal("timerTrigger", usage.Trigger.String("type"));
        Assert.Equal($"%{ObjectStore.Hosting.UsageRegistrations.ScheduleSetting}%", usage.Trigger.String("schedule"));
        Assert.Equal("queueTrigger", restore.Trigger.String("type"));
        Assert.Equal($"%{BackgroundSchedules.RestoreQueueSetting}%", restore.Trigger.String("queueName"));
        Assert.Equal(BackgroundSchedules.StorageConnectionSetting, restore.Trigger.String("connection"));
        Assert.Equal("String", restore.Trigger.String("dataType"));
        var queues = JsonFiles.Read(Path.Combine(output, "host.json")).GetProperty("extensions").GetProperty("queues");
        Assert.Equal(BackgroundSchedules.MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.Equal("base64", queues.String("messageEncoding"), ignoreCase: true);
        Assert.Contains(JsonFiles.Read(Path.Combine(output, "extensions.json")).GetProperty("extensions").EnumerateArray(),
            e => e.String("name") == "AzureStorageQueues");
    }
}
