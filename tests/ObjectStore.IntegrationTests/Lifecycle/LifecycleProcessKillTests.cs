using System.Diagnostics;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;
using ObjectStore.Tools;
using Xunit.Abstractions;

namespace ObjectStore.IntegrationTests.Lifecycle;

/// <summary>
/// The local host as a real process, killed (SIGKILL) at random moments while it runs a lifecycle
/// pass (<c>POST /_admin/v1/lifecycle/run</c>) and started again on the same zones and index, ends
/// in the same state as an uninterrupted pass over an identical store. A one-second rule day with
/// every rule due well before either pass makes the end state independent of when the passes run.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class LifecycleProcessKillTests(LocalHostFixture fixture, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> LifecycleSettings = new()
    {
        ["OBJECTSTORE_LIFECYCLE_DAY"] = "00:00:01",
        ["OBJECTSTORE_LIFECYCLE_BATCH"] = "3",
        ["OBJECTSTORE_LIFECYCLE_LEASE"] = "00:00:02",
    };

    [Fact]
    public async Task A_host_process_killed_mid_pass_and_restarted_ends_as_an_uninterrupted_pass()
    {
        var bucket = UniqueNames.Bucket("lc-kill");
        await using var steady = await fixture.StartHostAsync(new LocalHostOptions { Background = false, Settings = LifecycleSettings });
        var data = Path.Combine(Path.GetTempPath(), "objectstore-kill-" + Guid.NewGuid().ToString("N")[..12]);
        await using var process = new HostProcess(fixture.StorageConnectionString, data, UniqueNames.Table("kill"));
        try
        {
            await process.StartAsync();
            using (var s3 = steady.CreateS3Client())
                await LifecycleCrashScenario.PopulateAsync(s3, steady.Endpoint, bucket);
            using (var s3 = process.CreateS3Client())
                await LifecycleCrashScenario.PopulateAsync(s3, process.Endpoint, bucket);
            await Task.Delay(TimeSpan.FromSeconds(4)); // every rule (at most 2 rule days) is due now

            var reference = await steady.Services.GetRequiredService<LifecycleService>().RunAsync(CancellationToken.None);
            Assert.Equal(LifecycleBucketStatus.Completed, reference.Buckets.Single(b => b.Bucket == bucket).Status);

            var random = new Random();
            var killedMidPass = 0;
            for (var round = 0; round < 5; round++)
            {
                var run = process.RunPassAsync();
                // Short and growing: early rounds land inside a pass even on a fast machine, later ones reach further into what is left.
                await Task.Delay(random.Next(40, 80) << round);
                if (!run.IsCompleted)
                    killedMidPass++;
                process.Kill();
                await Task.WhenAny(run); // the request fails with the connection
                await Task.Delay(TimeSpan.FromSeconds(2.5)); // the dead process's lease lapses
                await process.StartAsync();
            }
            output.WriteLine($"killed mid-pass {killedMidPass} of 5 times");
            Assert.True(killedMidPass > 0, "the host was never killed while a pass ran");

            for (var attempt = 0; ; attempt++)
            {
                using var final = JsonDocument.Parse(await process.RunPassAsync());
                var status = final.RootElement.GetProperty("buckets").EnumerateArray().Single(b => b.GetProperty("bucket").GetString() == bucket).GetProperty("status").GetString();
                output.WriteLine($"final pass: {status}; {final.RootElement.GetProperty("totals")}");
                if (status == "completed")
                    break;
                Assert.True(attempt < 5, $"the pass did not complete: {status}");
                await Task.Delay(TimeSpan.FromSeconds(2.5));
            }

            using var steadyClient = steady.CreateS3Client();
            using var killedClient = process.CreateS3Client();
            var expected = await LifecycleCrashScenario.StateAsync(steadyClient, bucket);
            Assert.Equal(expected, await LifecycleCrashScenario.StateAsync(killedClient, bucket));
            Assert.Contains(expected, line => line.StartsWith("gl/0 ", StringComparison.Ordinal) && line.Contains("class=GLACIER", StringComparison.Ordinal));
            Assert.Empty((await killedClient.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        }
        finally
        {
            process.Kill();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The local host as a child process (the build output beside the tests) that the test can kill.</summary>
    private sealed class HostProcess(string connectionString, string dataDirectory, string tablePrefix) : IAsyncDisposable
    {
        private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "ObjectStore.LocalHost.dll");
        private readonly S3Signer _signer = new(LocalHostInstance.AccessKey, LocalHostInstance.SecretKey, "us-east-1");
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(3) };
        private Process? _process;
        private int _port;

        public Uri Endpoint => new($"http://127.0.0.1:{_port}");

        public async Task StartAsync()
        {
            _port = LoopbackPort.Free();
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Assembly);
            var environment = new Dictionary<string, string?>(LifecycleSettings)
            {
                ["OBJECTSTORE_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["OBJECTSTORE_BACKGROUND"] = "off",
                ["OBJECTSTORE_DATA"] = dataDirectory,
                ["OBJECTSTORE_TABLE_PREFIX"] = tablePrefix,
                ["OBJECTSTORE_ACCESS_KEY"] = LocalHostInstance.AccessKey,
                ["OBJECTSTORE_SECRET_KEY"] = LocalHostInstance.SecretKey,
                ["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = connectionString,
            };
            foreach (var (name, value) in environment)
                start.Environment[name] = value;
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (true)
            {
                Assert.False(_process.HasExited, "the local host process exited at start-up");
                try
                {
                    using var probe = new System.Net.Sockets.TcpClient();
                    await probe.ConnectAsync(System.Net.IPAddress.Loopback, _port);
                    return;
                }
                catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }

        public AmazonS3Client CreateS3Client() => new(new BasicAWSCredentials(LocalHostInstance.AccessKey, LocalHostInstance.SecretKey),
            new AmazonS3Config { ServiceURL = Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

        /// <summary>POST lifecycle/run; the JSON result (throws when the process dies meanwhile).</summary>
        public async Task<string> RunPassAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Endpoint, "/_admin/v1/lifecycle/run"));
            _signer.Sign(request);
            using var response = await _http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return body;
        }

        public void Kill()
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            _process?.Dispose();
            _http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
