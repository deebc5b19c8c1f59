namespace ObjectStore.Background;

/// <summary>
/// Names of the app settings and queues the background work is bound to. The function apps bind
/// their triggers to these names ("%NAME%"), and the local host reads the same settings, so both
/// run on the same schedules and queue.
/// </summary>
public static class BackgroundSchedules
{
    public const string LifecycleScheduleSetting = "OBJECTSTORE_LIFECYCLE_SCHEDULE";
    public const string RepairScheduleSetting = "OBJECTSTORE_REPAIR_SCHEDULE";
    /// <summary>Six-field cron (with seconds), as the Functions timer trigger reads it.</summary>
    public const string DefaultLifecycleSchedule = "0 0 * * * *";
    public const string DefaultRepairSchedule = "0 */15 * * * *";

    /// <summary>The app setting naming the queue that carries events from the outbox to delivery (the Notify trigger binds to it).</summary>
    public const string EventsQueueSetting = "OBJECTSTORE_EVENTS_QUEUE";
    /// <summary>The default events queue; its poison queue is "&lt;queue&gt;-poison".</summary>
    public const string EventsQueueName = "objectstore-events";
    /// <summary>
    /// The app setting naming the queue of accepted RestoreObject requests (the Lifecycle app's restore
    /// trigger binds to it); by default "&lt;table prefix&gt;-restore", its poison queue "&lt;queue&gt;-poison".
    /// </summary>
    public const string RestoreQueueSetting = "OBJECTSTORE_RESTORE_QUEUE";
    /// <summary>Six-field cron of the outbox sweep, which moves events a crash left in the outbox.</summary>
    public const string OutboxSweepScheduleSetting = "OBJECTSTORE_OUTBOX_SWEEP_SCHEDULE";
    public const string DefaultOutboxSweepSchedule = "*/30 * * * * *";
    /// <summary>The app setting holding the storage connection (string, or identity-based prefix in Azure).</summary>
    public const string StorageConnectionSetting = "OBJECTSTORE_STORAGE_CONNECTION_STRING";
    /// <summary>Deliveries attempted before a message moves to "&lt;queue&gt;-poison", as the Functions host does.</summary>
    public const int MaxDequeueCount = 5;
}
