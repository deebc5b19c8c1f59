using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.Blob;

/// <summary>Blob shard store log messages; event ids 2100-2199.</summary>
internal static partial class BlobLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning,
        Message = "Could not discard the staged blocks of shard {Blob} in zone {Zone}; the repair scan collects them")]
    public static partial void DiscardFailed(ILogger logger, string blob, string zone, Exception exception);
}
