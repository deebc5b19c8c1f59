using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage;

/// <summary>Data-plane log messages; event ids 2000-2099.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Bad shard: data {DataId} shard {ShardIndex} in zone {Zone}: {Problem} (stripe {Stripe})")]
    public static partial void BadShard(ILogger logger, string dataId, int shardIndex, string zone, ShardProblem problem, long stripe, Exception? exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Degraded write: data {DataId} shard {ShardIndex} in zone {Zone} failed")]
    public static partial void ShardWriteFailed(ILogger logger, string dataId, int shardIndex, string zone, Exception exception);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error,
        Message = "Write of data {DataId} failed: {Durable} shards durable, quorum {Quorum}; shards written were removed")]
    public static partial void WriteQuorumLost(ILogger logger, string dataId, int durable, int quorum);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "Could not delete data {DataId} shard {ShardIndex} in zone {Zone}; the repair scan collects it")]
    public static partial void ShardDeleteFailed(ILogger logger, string dataId, int shardIndex, string zone, Exception exception);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error,
        Message = "Data {DataId} stripe {Stripe} is unreadable: {Good} good shards, {Needed} needed")]
    public static partial void StripeLost(ILogger logger, string dataId, long stripe, int good, int needed);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning,
        Message = "Degraded-read observer failed for data {DataId} shard {ShardIndex}")]
    public static partial void ObserverFailed(ILogger logger, string dataId, int shardIndex, Exception exception);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Repair check: data {DataId} shard {ShardIndex} in zone {Zone}: {Problem} (stripe {Stripe})")]
    public static partial void RepairFoundBadShard(ILogger logger, string dataId, int shardIndex, string zone, ShardProblem problem, long stripe, Exception? exception);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information,
        Message = "Rebuilt data {DataId} shard {ShardIndex} in zone {Zone} (was {Problem})")]
    public static partial void ShardRebuilt(ILogger logger, string dataId, int shardIndex, string zone, ShardProblem problem);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "Could not rebuild data {DataId} shard {ShardIndex} in zone {Zone}; it stays degraded until the next check")]
    public static partial void RepairWriteFailed(ILogger logger, string dataId, int shardIndex, string zone, Exception exception);
}
