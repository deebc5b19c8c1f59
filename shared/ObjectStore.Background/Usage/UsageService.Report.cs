using System.Globalization;
using ObjectStore.Lifecycle;

namespace ObjectStore.Background;

public sealed partial class UsageService
{
    private const decimal GiB = 1024m * 1024 * 1024;

    /// <summary>
    /// The last finished counts of every bucket (or of <paramref name="bucket"/>), priced now; null when
    /// <paramref name="bucket"/> does not exist. Buckets never counted yet are listed in <see cref="UsageReport.NotYetCounted"/>.
    /// </summary>
    public async Task<UsageReport?> GetReportAsync(string? bucket, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        if (bucket is not null)
        {
            if (await index.GetBucketAsync(bucket, cancellationToken).ConfigureAwait(false) is null)
                return null;
            names.Add(bucket);
        }
        else
        {
            await foreach (var b in index.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
                names.Add(b.Name);
        }

        var usages = new List<BucketUsage>();
        var missing = new List<string>();
        foreach (var name in names)
        {
            var saved = await state.GetAsync(PassName, name, cancellationToken).ConfigureAwait(false);
            if (UsageTally.FromJson(saved?.Data.TryGetValue(ResultKey, out var json) == true ? json : null) is { } tally)
            {
                var usage = ToUsage(name, tally);
                _snapshot.Set(name, usage);
                usages.Add(usage);
            }
            else
            {
                missing.Add(name);
            }
        }
        var currency = costs.Value.Currency;
        var report = new UsageReport(time.GetUtcNow(), currency, usages, missing, usages.Sum(u => u.MonthlyCost), []);
        return report with { Report = Render(report) };
    }

    private BucketUsage ToUsage(string bucket, UsageTally tally)
    {
        var prices = costs.Value;
        var classes = tally.Classes
            .OrderBy(c => StorageClasses.Temperature(c.Key)).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c =>
            {
                var (k, m) = ProfileOf(c.Key);
                var t = c.Value;
                var logical = t.Bytes + t.NoncurrentBytes + t.PartBytes;
                var stored = (long)Math.Ceiling((decimal)logical * (k + m) / k);
                var cost = Math.Round(stored / GiB * prices.PriceOf(c.Key) * prices.UsdRate, 6);
                return new UsageClass(c.Key, $"{k}+{m}", t.Objects, t.Bytes, t.Noncurrent, t.NoncurrentBytes, t.Uploads, t.Parts, t.PartBytes, logical, stored, cost);
            }).ToList();
        var totals = new UsageTotals(classes.Sum(c => c.Objects), classes.Sum(c => c.Bytes), classes.Sum(c => c.NoncurrentVersions),
            classes.Sum(c => c.NoncurrentBytes), classes.Sum(c => c.PartBytes), classes.Sum(c => c.LogicalBytes), classes.Sum(c => c.StoredBytes));
        var uploads = new UsageUploads(tally.Uploads, tally.Parts, tally.PartBytes, tally.StaleUploads, tally.StaleUploadBytes, tally.OldestUpload);
        var outbox = tally.Outbox.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => new OutboxBacklog(o.Key, o.Value.Events, o.Value.Oldest)).ToList();

        var flags = new List<string>();
        if (totals.NoncurrentBytes > 0 && totals.NoncurrentShare > options.NoncurrentShareWarning)
            flags.Add($"noncurrent versions are {totals.NoncurrentShare.ToString("P0", CultureInfo.InvariantCulture)} of the bucket's bytes " +
                $"(over {options.NoncurrentShareWarning.ToString("P0", CultureInfo.InvariantCulture)}): add a NoncurrentVersionExpiration rule");
        if (tally.StaleUploads > 0)
            flags.Add($"{tally.StaleUploads} unfinished upload(s) older than {Age(options.StaleUploadAge)} hold {Bytes(tally.StaleUploadBytes)}: " +
                "add an AbortIncompleteMultipartUpload rule");
        return new BucketUsage(bucket, tally.StartedAt, tally.CompletedAt ?? tally.StartedAt, classes, totals, tally.DeleteMarkers, uploads, outbox,
            prices.Currency, classes.Sum(c => c.MonthlyCost), flags);
    }

    /// <summary>The class's erasure profile as configured (unlisted classes use STANDARD's, as the data store does).</summary>
    private (int K, int M) ProfileOf(string storageClass)
    {
        var classes = storage.Value.StorageClasses;
        var text = classes.TryGetValue(storageClass, out var p) ? p : classes.TryGetValue(StorageClasses.Standard, out var s) ? s : "4+2";
        var profile = Erasure.ErasureProfile.Parse(text);
        return (profile.DataShards, profile.ParityShards);
    }

    /// <summary>The report as a fixed-width text table, one block per bucket.</summary>
    private static List<string> Render(UsageReport report)
    {
        var lines = new List<string>();
        foreach (var u in report.Buckets)
        {
            lines.Add($"Bucket '{u.Bucket}', counted {u.ComputedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
            lines.Add($"  {"Storage class",-20} {"Profile",7} {"Objects",9} {"Bytes",10} {"Noncurr.",9} {"Bytes",10} {"Uploads",8} {"Parts",6} {"Bytes",10} {"Stored",10} {"Cost/month",14}");
            foreach (var c in u.Classes)
                lines.Add($"  {c.StorageClass,-20} {c.Profile,7} {c.Objects,9} {Bytes(c.Bytes),10} {c.NoncurrentVersions,9} {Bytes(c.NoncurrentBytes),10} " +
                    $"{c.Uploads,8} {c.Parts,6} {Bytes(c.PartBytes),10} {Bytes(c.StoredBytes),10} {Money(c.MonthlyCost, u.Currency),14}");
            var t = u.Totals;
            lines.Add($"  {"total",-20} {"",7} {t.Objects,9} {Bytes(t.Bytes),10} {t.NoncurrentVersions,9} {Bytes(t.NoncurrentBytes),10} " +
                $"{u.Uploads.Count,8} {u.Uploads.Parts,6} {Bytes(t.PartBytes),10} {Bytes(t.StoredBytes),10} {Money(u.MonthlyCost, u.Currency),14}");
            lines.Add($"  delete markers: {u.DeleteMarkers}");
            foreach (var o in u.Outbox)
                lines.Add($"  events not yet queued for {o.Destination}: {o.Events}" + (o.OldestEventTime is { } at ? $", oldest {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z" : ""));
            foreach (var flag in u.Flags)
                lines.Add("  ! " + flag);
            lines.Add("");
        }
        foreach (var name in report.NotYetCounted)
            lines.Add($"Bucket '{name}': not counted yet (the usage pass has not finished over it)");
        lines.Add($"Monthly cost of {report.Buckets.Count} bucket(s): {Money(report.MonthlyCost, report.Currency)}");
        return lines;
    }

    private static string Money(decimal amount, string currency) => amount.ToString("N4", CultureInfo.InvariantCulture) + " " + currency;

    private static string Age(TimeSpan age) => age.TotalHours >= 24 && age.TotalDays == Math.Floor(age.TotalDays)
        ? $"{age.TotalDays:0} day(s)" : age.ToString("c", CultureInfo.InvariantCulture);

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 40 => (bytes / (double)(1L << 40)).ToString("0.00", CultureInfo.InvariantCulture) + " TiB",
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
