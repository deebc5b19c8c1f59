using System.Globalization;
using ObjectStore.Objects.Errors;
using ObjectStore.S3;
using ObjectStore.S3.Protocol;

namespace ObjectStore.LocalHost;

/// <summary>
/// Refuses writes while the filesystem holding the data directory (Azurite's files under
/// <c>azurite/</c> when run.sh starts it, and the disk zones under <c>zones/</c>) has less free
/// space than <see cref="FreeSpaceThreshold"/>. Azurite does not tell its clients when a save of
/// its LokiJS database fails (ENOSPC): it acknowledges the write and loses it on restart. So the
/// local host stops acknowledging writes while there is still room for the index to be saved.
/// Reads and deletes are admitted (<see cref="S3OperationEffects"/>).
/// </summary>
/// <remarks>
/// The free space is measured (one statvfs) at most once per <see cref="RefreshInterval"/>, by the
/// request that finds the last measurement stale; every other request reads the cached one.
/// </remarks>
internal sealed partial class DiskSpaceGuard : IWriteAdmission
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly string _directory;
    private readonly FreeSpaceThreshold _threshold;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _refreshing = new();
    private volatile Measurement? _last;

    public DiskSpaceGuard(string directory, FreeSpaceThreshold threshold, TimeProvider time, ILogger<DiskSpaceGuard> logger)
    {
        _directory = directory;
        _threshold = threshold;
        _time = time;
        _logger = logger;
    }

    public S3Exception? Refuse(S3Operation operation, string? resource)
    {
        if (_threshold.Disabled || !S3OperationEffects.NeedsSpace(operation))
            return null;
        var now = _time.GetTimestamp();
        var last = _last;
        if (last is null || _time.GetElapsedTime(last.At, now) >= RefreshInterval)
            last = Refresh(now);
        if (last is not { Short: true })
            return null;
        return new S3Exception(S3Errors.InsufficientStorage, resource: resource)
        {
            Details = new Dictionary<string, string>
            {
                ["FreeBytes"] = last.FreeBytes.ToString(CultureInfo.InvariantCulture),
                ["RequiredFreeBytes"] = last.RequiredBytes.ToString(CultureInfo.InvariantCulture),
            },
        };
    }

    private Measurement? Refresh(long now)
    {
        // One request measures; the others meanwhile use the previous measurement.
        if (!Monitor.TryEnter(_refreshing))
            return _last;
        try
        {
            var previous = _last;
            Measurement? next;
            try
            {
                var drive = new DriveInfo(ExistingAncestor(_directory));
                var free = drive.AvailableFreeSpace;
                var required = _threshold.RequiredBytes(drive.TotalSize);
                next = new Measurement(now, free, required, free < required, Unknown: false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Not knowing is no reason to stop serving: admit, say so, and measure again next time.
                if (previous is not { Unknown: true })
                    Log.FreeSpaceUnknown(_logger, _directory, e.Message);
                next = new Measurement(now, 0, 0, Short: false, Unknown: true);
            }

            if (next.Short && previous is not { Short: true })
                Log.WritesRefused(_logger, _directory, next.FreeBytes, next.RequiredBytes, _threshold.ToString());
            else if (!next.Short && previous is { Short: true })
                Log.WritesAdmittedAgain(_logger, _directory, next.FreeBytes, next.RequiredBytes);
            _last = next;
            return next;
        }
        finally
        {
            Monitor.Exit(_refreshing);
        }
    }

    /// <summary>The directory itself, or its nearest existing parent (before the host has created it).</summary>
    private static string ExistingAncestor(string directory)
    {
        for (var d = Path.GetFullPath(directory); ; d = Path.GetDirectoryName(d)!)
            if (Directory.Exists(d) || Path.GetDirectoryName(d) is null)
                return d;
    }

    private sealed record Measurement(long At, long FreeBytes, long RequiredBytes, bool Short, bool Unknown);

    private static partial class Log
    {
        [LoggerMessage(EventId = 7502, Level = LogLevel.Warning,
            Message = "Free space under {Directory} is {FreeBytes} bytes, below the reserve of {RequiredBytes} bytes ({Threshold}): writes are refused with 507 InsufficientStorage until space is freed; reads and deletes are served")]
        public static partial void WritesRefused(ILogger logger, string directory, long freeBytes, long requiredBytes, string threshold);

        [LoggerMessage(EventId = 7503, Level = LogLevel.Information,
            Message = "Free space under {Directory} is {FreeBytes} bytes, back above the reserve of {RequiredBytes} bytes: writes are admitted again")]
        public static partial void WritesAdmittedAgain(ILogger logger, string directory, long freeBytes, long requiredBytes);

        [LoggerMessage(EventId = 7504, Level = LogLevel.Warning,
            Message = "The free space under {Directory} could not be measured ({Reason}): writes are admitted")]
        public static partial void FreeSpaceUnknown(ILogger logger, string directory, string reason);
    }
}
