using System.Globalization;

namespace ObjectStore.Load;

/// <summary>
/// CPU time of the processes named with --cpu (label=pid, Linux /proc), so each row can say what
/// one operation cost the server and Azurite: on a shared 2-core machine that is steadier than
/// the throughput, which other work on the machine moves.
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<(string Label, int Pid)> processes)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public bool IsEmpty => processes.Count == 0;

    /// <summary>CPU seconds used so far by each process (user + system), in the order given.</summary>
    public double[] Snapshot() => processes.Select(p => CpuSeconds(p.Pid)).ToArray();

    /// <summary>"host 1.23 ms, azurite 0.45 ms" of CPU per operation since <paramref name="before"/>.</summary>
    public string PerOperation(double[] before, double operations)
    {
        var after = Snapshot();
        return string.Join(", ", processes.Select((p, i) =>
            $"{p.Label} {(after[i] - before[i]) * 1000 / operations:F2} ms"));
    }

    /// <summary>CPU milliseconds per operation since <paramref name="before"/>, by label.</summary>
    public Dictionary<string, double> PerOperationMs(double[] before, double operations)
    {
        var after = Snapshot();
        return processes.Select((p, i) => (p.Label, Ms: (after[i] - before[i]) * 1000 / operations))
            .ToDictionary(p => p.Label, p => Math.Round(p.Ms, 3));
    }

    /// <summary>
    /// Waits <paramref name="minimum"/>, then (at most <paramref name="limit"/> in all) until the measured
    /// processes other than the client together use under a tenth of a core over half a second:
    /// Azurite saves a changed table database every 5 s (LokiJS autosave), and that work belongs to
    /// the row whose writes caused it, not to the next one. Returns how long it waited.
    /// </summary>
    public async Task<TimeSpan> SettleAsync(TimeSpan minimum, TimeSpan limit)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(minimum);
        var window = TimeSpan.FromMilliseconds(500);
        var servers = processes.Select((p, i) => (p.Label, i)).Where(p => p.Label != "client").Select(p => p.i).ToArray();
        if (servers.Length == 0)
            return TimeSpan.Zero;
        var before = Snapshot();
        while (waited.Elapsed < limit)
        {
            await Task.Delay(window);
            var after = Snapshot();
            var busy = servers.Sum(i => after[i] - before[i]);
            if (double.IsNaN(busy) || busy < window.TotalSeconds * 0.1)
                break;
            before = after;
        }
        return waited.Elapsed;
    }

    public static IReadOnlyList<(string Label, int Pid)> Parse(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : text.Split(',').Select(part => part.Split('=')).Select(kv => (kv[0], int.Parse(kv[1], CultureInfo.InvariantCulture))).ToArray();

    private static double CpuSeconds(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces, hence the last ')'): utime is 14th, stime 15th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
