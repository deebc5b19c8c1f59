using System.Diagnostics;
using System.Text;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless, as a child process: it loads one page, lets its script run (virtual
/// time, which waits for the page's network fetches) and prints the resulting DOM. Its profile is a
/// temporary directory; the process is killed (by its id, with its children) when the budget runs out
/// or on dispose. A missing chromium fails the test, saying how to install it.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string Binary = "/usr/bin/chromium";
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _profile;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Loads <paramref name="page"/> and returns its DOM once the page's script has had <paramref name="budget"/> of virtual time.</summary>
    public static async Task<string> DumpDomAsync(Uri page, TimeSpan budget)
    {
        await using var chromium = Start(page, budget);
        return await chromium.WaitForDomAsync();
    }

    /// <summary>Loads <paramref name="page"/>, lets its script run for <paramref name="budget"/> of virtual time, and saves a PNG of the window.</summary>
    public static async Task ScreenshotAsync(Uri page, TimeSpan budget, string pngPath, int width = 1280, int height = 1000)
    {
        await using var chromium = Start(page, budget, ["--screenshot=" + pngPath, $"--window-size={width},{height}", "--hide-scrollbars"]);
        await chromium.WaitForDomAsync();
        Assert.True(File.Exists(pngPath), $"chromium wrote no screenshot to {pngPath}.");
    }

    public static HeadlessChromium Start(Uri page, TimeSpan budget) => Start(page, budget, ["--dump-dom"]);

    private static HeadlessChromium Start(Uri page, TimeSpan budget, string[] output)
    {
        Assert.True(File.Exists(Binary), $"Chromium is not installed at {Binary}: the browser upload tests need Debian's chromium package (apt-get install chromium; ./test.sh installs it).");
        var profile = Directory.CreateTempSubdirectory("objectstore-chromium-").FullName;
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        string[] arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--metrics-recording-only",
            "--user-data-dir=" + profile, "--virtual-time-budget=" + (long)budget.TotalMilliseconds, .. output, page.ToString(),
        ];
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var chromium = new HeadlessChromium(process, profile);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (chromium._stdout) chromium._stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (chromium._stderr) chromium._stderr.Append(e.Data).Append('\n'); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return chromium;
    }

    /// <summary>The DOM chromium printed; fails with its output when it does not finish in time or exits with an error.</summary>
    public async Task<string> WaitForDomAsync()
    {
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"chromium did not finish within {ProcessTimeout.TotalSeconds} s. stderr: {Tail(_stderr)}");
        }
        _process.WaitForExit(); // drains the output readers
        Assert.True(_process.ExitCode == 0, $"chromium exited with {_process.ExitCode}. stderr: {Tail(_stderr)}");
        lock (_stdout) return _stdout.ToString();
    }

    private static string Tail(StringBuilder text)
    {
        lock (text) return text.Length <= 4000 ? text.ToString() : "..." + text.ToString()[^4000..];
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
