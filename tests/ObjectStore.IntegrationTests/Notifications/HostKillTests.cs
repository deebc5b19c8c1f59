using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.Background;
using ObjectStore.Hosting;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.LocalHost;
using ObjectStore.Testing;

namespace ObjectStore.IntegrationTests.Notifications;

/// <summary>
/// The local host as a real child process, killed with SIGKILL right after a PUT returns, then
/// restarted: the PUT's event is still delivered, whether it was only in the outbox (fast path off:
/// the restarted host's sweep moves it) or already on the events queue (fast path on: the restarted
/// host's queue pump delivers it).
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class HostKillTests(LocalHostFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_killed_right_after_a_put_returns_still_delivers_that_puts_event_after_restart(bool fastPath)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "objectstore-kill-" + Guid.NewGuid().ToString("N")[..12]);
        var prefix = UniqueNames.Table("kill");
        var settings = NotificationHosts.Settings(receiver);
        try
        {
            string bucket, etag;
            var port = LoopbackPort.Free();
            // The child serves requests but runs no background work, so nothing it does after the
            // response can deliver the event before it dies.
            using (var child = StartChild(port, data, prefix, settings, fastPath))
            {
                using var s3 = new AmazonS3Client(new BasicAWSCredentials(LocalHostInstance.AccessKey, LocalHostInstance.SecretKey),
                    new AmazonS3Config { ServiceURL = $"http://127.0.0.1:{port}", ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
                await WaitForPortAsync(s3, child);
                bucket = UniqueNames.Bucket("kill");
                await s3.PutBucketAsync(bucket);
                await s3.PutBucketNotificationAsync(new PutBucketNotificationRequest
                {
                    BucketName = bucket,
                    TopicConfigurations = [new TopicConfiguration { Id = "all", Topic = NotificationHosts.WebhookArn, Events = [EventType.ObjectCreatedAll] }],
                });
                etag = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "uploads/shard-0001.parquet", ContentBody = "rows" })).ETag.Trim('"');
                child.Kill(entireProcessTree: true); // SIGKILL
                await child.WaitForExitAsync();
            }
            Assert.Empty(receiver.Accepted);

            var restarted = new Dictionary<string, string?>(settings)
            {
                [BackgroundSchedules.OutboxSweepScheduleSetting] = "* * * * * *",
                ["ObjectStore:Notifications:SweepMinAgeSeconds"] = "0",
            };
            await using var host = await NotificationHosts.StartAsync(fixture, restarted, new LocalHostOptions { DataDirectory = data, TablePrefix = prefix });

            var delivered = await receiver.WaitForAsync(d => d.Any(x => x.Key == "uploads/shard-0001.parquet"), TimeSpan.FromSeconds(60));
            Assert.Equal(etag, delivered.First(x => x.Key == "uploads/shard-0001.parquet").Object.GetProperty("eTag").GetString());
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private Process StartChild(int port, string data, string prefix, Dictionary<string, string?> settings, bool fastPath)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ObjectStore.LocalHost.dll")])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = start.Environment;
        env[LocalHostApp.PortSetting] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env[LocalHostApp.BackgroundSetting] = "off";
        env[ObjectStoreSettings.DataSetting] = data;
        env[ObjectStoreSettings.AccessKeySetting] = LocalHostInstance.AccessKey;
        env[ObjectStoreSettings.SecretKeySetting] = LocalHostInstance.SecretKey;
        env[ObjectStoreSettings.TablePrefixSetting] = prefix;
        env[BackgroundSchedules.StorageConnectionSetting] = fixture.StorageConnectionString;
        env[BackgroundSchedules.EventsQueueSetting] = LocalHostInstance.EventsQueueOf(prefix);
        env["ObjectStore__Notifications__FastPath"] = fastPath ? "true" : "false";
        foreach (var (name, value) in settings)
            env[name.Replace(":", "__", StringComparison.Ordinal)] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitForPortAsync(AmazonS3Client s3, Process child)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            Assert.False(child.HasExited, "The local host process exited during start-up.");
            try
            {
                await s3.ListBucketsAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
