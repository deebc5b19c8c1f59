using System.Diagnostics;
using System.Text;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>What an external client printed and how it ended.</summary>
public sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr, TimeSpan Elapsed)
{
    public override string ToString() =>
        $"$ {Command}\nexit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout ---\n{Tail(StdOut)}\n--- stderr ---\n{Tail(StdErr)}";

    private static string Tail(string s) => s.Length <= 6000 ? s : "..." + s[^6000..];
}

/// <summary>
/// Runs an external S3 client (aws, rclone, python3) with arguments passed as an argument list (no
/// shell), an explicit environment, captured output and a timeout after which the process tree is killed.
/// </summary>
public static class ExternalProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The full path of <paramref name="name"/> on PATH (or as given when it is a path), or null.</summary>
    public static string? Find(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Fails the test (never skips it) when a client the issue demands is not installed.</summary>
    public static string Require(string name, string installHint)
    {
        var path = Find(name);
        Assert.True(path is not null, $"The S3 client '{name}' is not installed (PATH={Environment.GetEnvironmentVariable("PATH")}). {installHint}");
        return path!;
    }

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                if (v is null) info.Environment.Remove(k);
                else info.Environment[k] = v;
            }
        }
        var command = fileName + " " + string.Join(" ", info.ArgumentList.Select(Quote));

        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
            lock (stderr) stderr.Append($"\n[killed after the timeout of {(timeout ?? DefaultTimeout).TotalSeconds} s]");
            return new ProcessResult(command, -1, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
        }
        process.WaitForExit(); // drains the asynchronous output readers
        return new ProcessResult(command, process.ExitCode, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
    }

    /// <summary>Runs and asserts exit code 0, with the whole transcript in the failure message.</summary>
    public static async Task<ProcessResult> RunCheckedAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        var result = await RunAsync(fileName, arguments, environment, workingDirectory, timeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";
}
