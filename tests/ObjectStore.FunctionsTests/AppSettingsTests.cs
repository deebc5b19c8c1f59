using System.Reflection;
using System.Text.RegularExpressions;
using ObjectStore.Background;
using ObjectStore.FunctionsTests.Infrastructure;
using ObjectStore.Hosting;

namespace ObjectStore.FunctionsTests;

/// <summary>
/// The committed local.settings.sample.json of each app, and the Bicep app settings, carry every
/// setting the core reads, under the names the core reads.
/// </summary>
public sealed class AppSettingsTests
{
    private static readonly string RepoRoot = ObjectStore.Testing.RepoRoot.Find();

    public static TheoryData<string> Apps => new(FunctionApp.All.Select(a => a.Name));

    /// <summary>Every "...Setting" constant of the core's settings classes.</summary>
    private static IReadOnlyList<string> CoreSettingNames() =>
        new[] { typeof(ObjectStoreSettings), typeof(BackgroundSchedules) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && f.Name.EndsWith("Setting", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToArray();

    private static Dictionary<string, string> SampleValues(string appName)
    {
        var path = Path.Combine(new FunctionApp(appName).ProjectDirectory(RepoRoot), "local.settings.sample.json");
        var values = JsonFiles.Read(path).GetProperty("Values");
        return values.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Sample_settings_run_the_isolated_worker_against_Azurite(string appName)
    {
        var values = SampleValues(appName);

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("UseDevelopmentStorage=true", values[BackgroundSchedules.StorageConnectionSetting]);
        Assert.Equal(BackgroundSchedules.DefaultLifecycleSchedule, values[BackgroundSchedules.LifecycleScheduleSetting]);
        Assert.Equal(BackgroundSchedules.DefaultRepairSchedule, values[BackgroundSchedules.RepairScheduleSetting]);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Sample_settings_name_every_setting_the_core_reads(string appName)
    {
        var values = SampleValues(appName);

        Assert.All(CoreSettingNames(), name => Assert.True(values.ContainsKey(name), $"{appName}'s sample lacks {name}."));
    }

    [Fact]
    public void Gateway_sample_lets_the_root_path_reach_the_catch_all_route()
    {
        Assert.Equal("true", SampleValues("Gateway")["AzureWebJobsDisableHomepage"]);
    }

    [Fact]
    public void Real_local_settings_files_are_ignored_by_git()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoRoot, "functions", ".gitignore")).Select(l => l.Trim());

        Assert.Contains("local.settings.json", ignored);
    }

    [Fact]
    public void Bicep_sets_every_sample_setting_on_the_function_apps()
    {
        var bicep = Path.Combine(RepoRoot, "infra", "bicep");
        var main = File.ReadAllText(Path.Combine(bicep, "main.bicep"));
        var functionApp = File.ReadAllText(Path.Combine(bicep, "modules", "functionApp.bicep"));
        // On Flex Consumption the runtime is the plan's functionAppConfig, and the host's storage is identity-based.
        var replacedInAzure = new Dictionary<string, string>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "name: 'dotnet-isolated'",
            ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName:",
        };

        var keys = FunctionApp.All.SelectMany(a => SampleValues(a.Name).Keys).Distinct();
        Assert.All(keys, key =>
        {
            if (replacedInAzure.TryGetValue(key, out var replacement))
                Assert.Contains(replacement, functionApp);
            else
                Assert.Matches($@"\b{Regex.Escape(key)}:", main);
        });
    }
}
