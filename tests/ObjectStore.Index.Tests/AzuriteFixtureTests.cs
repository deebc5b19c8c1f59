using Azure.Data.Tables;
using ObjectStore.Testing;

namespace ObjectStore.Index.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Connection_string_reaches_the_table_service()
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var name = UniqueNames.Table("fixture");
        await service.CreateTableIfNotExistsAsync(name);
        var table = service.GetTableClient(name);
        await table.AddEntityAsync(new TableEntity("p", "r") { ["Value"] = 42 });
        var read = await table.GetEntityAsync<TableEntity>("p", "r");
        Assert.Equal(42, read.Value.GetInt32("Value"));
    }

    [Fact]
    public void Connection_string_names_all_three_endpoints_on_loopback()
    {
        Assert.Contains("BlobEndpoint=http://127.0.0.1:", azurite.ConnectionString);
        Assert.Contains("QueueEndpoint=http://127.0.0.1:", azurite.ConnectionString);
        Assert.Contains("TableEndpoint=http://127.0.0.1:", azurite.ConnectionString);
    }

    [Fact]
    public void Unique_names_follow_azure_naming_rules()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", UniqueNames.Table("My_Table-" + i));
            Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", UniqueNames.Queue("Events__Q" + i));
            Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", UniqueNames.Container("-x-" + new string('a', 80)));
        }
        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", UniqueNames.Table("9_"));
        Assert.NotEqual(UniqueNames.Table(), UniqueNames.Table());
    }

    [Fact]
    public async Task Disposing_a_started_azurite_stops_its_process()
    {
        var process = await AzuriteProcess.StartAsync();
        var pid = process.ProcessId;
        await process.DisposeAsync();
        Assert.Throws<ArgumentException>(() => System.Diagnostics.Process.GetProcessById(pid));
    }
}
