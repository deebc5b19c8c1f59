using ObjectStore.IntegrationTests.FaultInjection;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.FaultInjection.FaultHost;

namespace ObjectStore.IntegrationTests.Admin;

/// <summary>The repair report and run-now, through the admin command line against a host of their own.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RepairAdminTests(LocalHostFixture fixture)
{
    [Fact]
    public async Task Repair_run_from_the_command_line_rebuilds_a_lost_shard_and_repair_report_shows_it()
    {
        await using var faults = await StartAsync(fixture, ZoneLayout.Disk, RepairSupport.Settings(verifyFraction: "0"));
        var data = Payload(2 * MiB + 5, 7);
        var layout = await faults.PutAsync("admin/object", data);
        File.Delete(faults.ShardPath(layout, 3));

        var empty = await AdminCli.RunJsonAsync(faults.Host, "repair", "report");
        Assert.False(empty.TryGetProperty("lastPass", out _)); // no pass ran yet

        var run = await AdminCli.RunJsonAsync(faults.Host, "repair", "run");
        Assert.True(run.GetProperty("ran").GetBoolean());
        Assert.True(run.GetProperty("completed").GetBoolean());
        var pass = run.GetProperty("report").GetProperty("lastPass");
        Assert.Equal(1, pass.GetProperty("shardsRepaired").GetInt64());
        Assert.Equal(1, pass.GetProperty("healthy").GetProperty("objects").GetInt64());
        Assert.Equal(data.Length, pass.GetProperty("healthy").GetProperty("bytes").GetInt64());
        Assert.Equal(1, pass.GetProperty("zones").GetProperty(layout.ShardZones[3]).GetProperty("repaired").GetInt64());

        var report = await AdminCli.RunJsonAsync(faults.Host, "repair", "report");
        Assert.True(report.GetProperty("lastFullPassAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(1, report.GetProperty("lastPass").GetProperty("shardsRepaired").GetInt64());
        Assert.False(report.TryGetProperty("oldestUnrepairedDamage", out _));
        Assert.True(File.Exists(faults.ShardPath(layout, 3)));
        Assert.Equal(data, await faults.GetAsync("admin/object"));
    }
}
