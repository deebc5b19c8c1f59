using System.Globalization;
using System.Text.Json;
using ObjectStore.Index;
using ObjectStore.Storage;

namespace ObjectStore.Background;

public sealed partial class RepairService
{
    /// <summary>
    /// The state of one invocation of a pass: the lease held, the pass's running summary (carried
    /// across invocations in the scan state's data) and the time budget.
    /// </summary>
    private sealed class PassRun
    {
        private readonly IScanStateStore _scans;
        private readonly RepairOptions _options;
        private readonly TimeProvider _time;
        private readonly long _started;
        private readonly Dictionary<string, string> _data;
        private ScanState _held;

        public PassRun(IScanStateStore scans, RepairOptions options, TimeProvider time, ScanState held, long started)
        {
            _scans = scans;
            _options = options;
            _time = time;
            _held = held;
            _started = started;
            _data = new Dictionary<string, string>(held.Data);
            if (held.Cursor is not null && ReadSummary(held.Data, SummaryKey) is { } resumed)
                Summary = resumed;
            else
            {
                // A new pass: the cursor was cleared when the last one completed (or it never ran).
                var number = held.Data.TryGetValue(NumberKey, out var n) ? long.Parse(n, CultureInfo.InvariantCulture) + 1 : 1;
                _data[NumberKey] = number.ToString(CultureInfo.InvariantCulture);
                Summary = new RepairPassSummary { Number = number, StartedAt = time.GetUtcNow() };
            }
        }

        public RepairPassSummary Summary { get; }

        /// <summary>Guards <see cref="Summary"/> while data is checked in parallel.</summary>
        public Lock SummaryLock { get; } = new();

        public string? Cursor => _held.Cursor;

        public bool OutOfTime => _time.GetElapsedTime(_started) >= _options.MaxPassDuration;

        /// <summary>Saves the cursor and the summary so far and extends the lease; false when the lease was lost.</summary>
        public Task<bool> CheckpointAsync(string cursor, CancellationToken cancellationToken) => SaveAsync(cursor, cancellationToken);

        /// <summary>Extends the lease and saves the summary so far without moving the cursor; false when the lease was lost.</summary>
        public Task<bool> ExtendLeaseAsync(CancellationToken cancellationToken) => SaveAsync(_held.Cursor, cancellationToken);

        private async Task<bool> SaveAsync(string? cursor, CancellationToken cancellationToken)
        {
            var next = await _scans.CheckpointAsync(_held, cursor, Snapshot(completed: false), _options.LeaseDuration, cancellationToken)
                .ConfigureAwait(false);
            if (next is null)
                return false;
            _held = next;
            return true;
        }

        public Task<bool> ReleaseAsync(bool completed, CancellationToken cancellationToken) =>
            _scans.ReleaseAsync(_held, completed, Snapshot(completed), cancellationToken);

        /// <summary>Keeps the count of pending deletions for the report (saved with the next checkpoint or release).</summary>
        public void NotePendingDeletions(PendingDeletions pending)
        {
            lock (_data)
                _data[PendingDeletionsKey] = JsonSerializer.Serialize(pending, Json);
        }

        /// <summary>Notes damage a check left unrepaired (the report's "oldest unrepaired damage").</summary>
        public void NoteUnrepairedDamage()
        {
            lock (_data)
                _data.TryAdd(DamageKey, _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        }

        private Dictionary<string, string> Snapshot(bool completed)
        {
            lock (_data)
            {
                string json;
                lock (SummaryLock)
                {
                    if (completed)
                        Summary.CompletedAt = _time.GetUtcNow();
                    json = JsonSerializer.Serialize(Summary, Json);
                }
                if (completed)
                {
                    _data[LastPassKey] = json;
                    _data.Remove(SummaryKey);
                    // A whole pass with nothing left damaged clears the record of old damage.
                    if (Summary.Unrepaired == 0)
                        _data.Remove(DamageKey);
                }
                else
                    _data[SummaryKey] = json;
                return new Dictionary<string, string>(_data);
            }
        }
    }
}

public sealed partial class RepairPassSummary
{
    /// <summary>A heal-on-read check counts its repairs, not its state (the walk counts each piece of data once).</summary>
    internal void AddHeal(DataCheckResult result)
    {
        HealRequests++;
        CountFindings(result);
    }
}
