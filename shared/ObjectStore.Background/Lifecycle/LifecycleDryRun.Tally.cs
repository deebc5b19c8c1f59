using System.Globalization;
using System.Text;
using ObjectStore.Index;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background;

public sealed partial class LifecycleDryRun
{
    private const decimal GiB = 1024m * 1024 * 1024;

    private sealed class ClassTotals
    {
        public long Objects, Noncurrent, LogicalBytes, NoncurrentBytes, UploadBytes;
    }

    private sealed class ActionTotals
    {
        public long Objects, Versions, Uploads, Bytes;
    }

    /// <summary>Counters of one dry run.</summary>
    private sealed class Tally(LifecycleConfiguration configuration)
    {
        private readonly Dictionary<string, ClassTotals> _before = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ClassTotals> _after = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Dictionary<string, ActionTotals>> _actions = new(StringComparer.Ordinal);

        private DryRunObjectLock _held = new(0, 0, null, 0);

        /// <summary>A version due to expire that Object Lock keeps: it stays in the after picture.</summary>
        public void HeldByLock(ObjectRecord version) => _held = new(_held.Versions + 1, _held.Bytes + version.Size,
            version.ObjectLockRetainUntil is { } until && (_held.RetainedUntil is null || until > _held.RetainedUntil) ? until : _held.RetainedUntil,
            _held.LegalHolds + (version.ObjectLockLegalHold == true ? 1 : 0));

        public void Before(string storageClass, bool current, long size) => Add(_before, storageClass, current, size);

        public void After(string storageClass, bool current, long size) => Add(_after, storageClass, current, size);

        public void BeforeUpload(string storageClass, long bytes) => Totals(_before, storageClass).UploadBytes += bytes;

        public void AfterUpload(string storageClass, long bytes) => Totals(_after, storageClass).UploadBytes += bytes;

        public void Action(LifecycleRule rule, string action, long objects = 0, long versions = 0, long uploads = 0, long bytes = 0)
        {
            if (!_actions.TryGetValue(rule.Id, out var byAction))
                _actions[rule.Id] = byAction = new Dictionary<string, ActionTotals>(StringComparer.Ordinal);
            if (!byAction.TryGetValue(action, out var totals))
                byAction[action] = totals = new ActionTotals();
            totals.Objects += objects;
            totals.Versions += versions;
            totals.Uploads += uploads;
            totals.Bytes += bytes;
        }

        private static void Add(Dictionary<string, ClassTotals> map, string storageClass, bool current, long size)
        {
            var totals = Totals(map, storageClass);
            if (current)
            {
                totals.Objects++;
                totals.LogicalBytes += size;
            }
            else
            {
                totals.Noncurrent++;
                totals.NoncurrentBytes += size;
            }
        }

        private static ClassTotals Totals(Dictionary<string, ClassTotals> map, string storageClass)
        {
            if (!map.TryGetValue(storageClass, out var totals))
                map[storageClass] = totals = new ClassTotals();
            return totals;
        }

        public DryRunReport ToReport(string bucket, DateTimeOffset at, TimeSpan day, string source, Func<string, (int K, int M)> profileOf, LifecycleCostOptions costs)
        {
            var rules = configuration.Rules.Select(r => new DryRunRule(r.Id, r.Enabled ? "Enabled" : "Disabled", r.Filter.Describe(),
                _actions.TryGetValue(r.Id, out var byAction)
                    ? byAction.Select(a => new DryRunAction(a.Key, a.Value.Objects, a.Value.Versions, a.Value.Uploads, a.Value.Bytes)).ToList()
                    : [])).ToList();
            var before = Classes(_before, profileOf, costs);
            var after = Classes(_after, profileOf, costs);
            var costBefore = before.Sum(c => c.MonthlyCost);
            var costAfter = after.Sum(c => c.MonthlyCost);
            var report = new DryRunReport(bucket, at, day.ToString("c", CultureInfo.InvariantCulture), source, rules, before, after, costs.Currency, costBefore, costAfter, [])
            {
                ObjectLock = _held,
            };
            return report with { Report = Render(report) };
        }

        private static List<DryRunStorageClass> Classes(Dictionary<string, ClassTotals> map, Func<string, (int K, int M)> profileOf, LifecycleCostOptions costs) =>
            map.OrderBy(c => StorageClasses.Temperature(c.Key)).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c =>
            {
                var (k, m) = profileOf(c.Key);
                var t = c.Value;
                var stored = (long)Math.Ceiling((decimal)(t.LogicalBytes + t.NoncurrentBytes + t.UploadBytes) * (k + m) / k);
                var cost = Math.Round(stored / GiB * costs.PriceOf(c.Key) * costs.UsdRate, 6);
                return new DryRunStorageClass(c.Key, $"{k}+{m}", t.Objects, t.Noncurrent, t.LogicalBytes, t.NoncurrentBytes, t.UploadBytes, stored, cost);
            }).ToList();
    }

    /// <summary>The report as a fixed-width text table.</summary>
    private static List<string> Render(DryRunReport r)
    {
        var lines = new List<string>
        {
            $"Lifecycle dry run of bucket '{r.Bucket}' ({r.Source} rules), evaluated at {r.EvaluatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, rule day {r.RuleDay}",
            "",
            $"{"Rule",-22} {"Action",-40} {"Objects",8} {"Versions",9} {"Uploads",8} {"Bytes",11}",
        };
        foreach (var rule in r.Rules)
        {
            if (rule.Actions.Count == 0)
                lines.Add($"{Trim(rule.Id, 22),-22} {"(nothing due)",-40}");
            foreach (var a in rule.Actions)
                lines.Add($"{Trim(rule.Id, 22),-22} {Trim(a.Action, 40),-40} {a.Objects,8} {a.Versions,9} {a.Uploads,8} {Bytes(a.Bytes),11}");
        }
        if (r.ObjectLock.Versions > 0)
        {
            var until = r.ObjectLock.RetainedUntil is { } date ? $"retained until {date.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z at the latest" : "no retention date";
            lines.Add($"Held by Object Lock (not expired): {r.ObjectLock.Versions} versions, {Bytes(r.ObjectLock.Bytes)}; {until}; {r.ObjectLock.LegalHolds} under legal hold (until released)");
        }
        lines.Add("");
        lines.Add($"{"",-7}{"Storage class",-20} {"Profile",7} {"Objects",8} {"Noncurr.",8} {"Current",10} {"Noncurr.",10} {"Uploads",10} {"Stored",10} {"Cost/month",12}");
        AddClasses(lines, "before", r.Before, r.Currency);
        AddClasses(lines, "after", r.After, r.Currency);
        var change = r.MonthlyCostBefore == 0 ? 0 : (r.MonthlyCostAfter - r.MonthlyCostBefore) / r.MonthlyCostBefore * 100;
        lines.Add("");
        lines.Add($"Monthly cost: {r.MonthlyCostBefore.ToString("N4", CultureInfo.InvariantCulture)} {r.Currency} before, " +
            $"{r.MonthlyCostAfter.ToString("N4", CultureInfo.InvariantCulture)} {r.Currency} after ({change.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture)}%)");
        return lines;
    }

    private static void AddClasses(List<string> lines, string label, IReadOnlyList<DryRunStorageClass> classes, string currency)
    {
        foreach (var c in classes)
            lines.Add($"{label,-7}{c.StorageClass,-20} {c.Profile,7} {c.Objects,8} {c.NoncurrentVersions,8} {Bytes(c.LogicalBytes),10} {Bytes(c.NoncurrentBytes),10} {Bytes(c.UploadBytes),10} {Bytes(c.StoredBytes),10} {c.MonthlyCost.ToString("N4", CultureInfo.InvariantCulture),8} {currency}");
        var total = new StringBuilder();
        total.Append($"{label,-7}{"total",-20} {"",7} {classes.Sum(c => c.Objects),8} {classes.Sum(c => c.NoncurrentVersions),8} ");
        total.Append($"{Bytes(classes.Sum(c => c.LogicalBytes)),10} {Bytes(classes.Sum(c => c.NoncurrentBytes)),10} {Bytes(classes.Sum(c => c.UploadBytes)),10} ");
        total.Append($"{Bytes(classes.Sum(c => c.StoredBytes)),10} {classes.Sum(c => c.MonthlyCost).ToString("N4", CultureInfo.InvariantCulture),8} {currency}");
        lines.Add(total.ToString());
    }

    private static string Trim(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 40 => (bytes / (double)(1L << 40)).ToString("0.00", CultureInfo.InvariantCulture) + " TiB",
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
