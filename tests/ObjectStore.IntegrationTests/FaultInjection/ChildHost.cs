using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.FaultInjection;

/// <summary>
/// The local host as a child process (the build output next to the tests), so a test can kill it
/// with SIGKILL in the middle of requests: no shutdown, no finally blocks, files as the crash left them.
/// </summary>
internal sealed class ChildHost : IDisposable
{
    private readonly Process _process;

    private ChildHost(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ChildHost> StartAsync(string storageConnectionString, string dataDirectory, string tablePrefix)
    {
        var port = LoopbackPort.Free();
        var info = new ProcessStartInfo(ExternalProcess.Require("dotnet", "The .NET SDK runs the tests."))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ObjectStore.LocalHost.dll"));
        info.Environment["OBJECTSTORE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["OBJECTSTORE_BACKGROUND"] = "off";
        info.Environment["OBJECTSTORE_DATA"] = dataDirectory;
        info.Environment["OBJECTSTORE_TABLE_PREFIX"] = tablePrefix;
        info.Environment["OBJECTSTORE_ACCESS_KEY"] = LocalHostInstance.AccessKey;
        info.Environment["OBJECTSTORE_SECRET_KEY"] = LocalHostInstance.SecretKey;
        info.Environment["OBJECTSTORE_STORAGE_CONNECTION_STRING"] = storageConnectionString;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new ChildHost(process, port);
        try
        {
            using var s3 = host.CreateS3Client();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.False(process.HasExited, $"the local host exited with {(process.HasExited ? process.ExitCode : 0)}");
                try
                {
                    await s3.ListBucketsAsync();
                    return host;
                }
                catch (Exception) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Path-style AWSSDK.S3 without retries (a killed host's errors end the caller's loop).</summary>
    public AmazonS3Client CreateS3Client() =>
        new(new BasicAWSCredentials(LocalHostInstance.AccessKey, LocalHostInstance.SecretKey), new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{Port}",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    /// <summary>SIGKILL, and wait until it is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
