using System.Reflection;
using System.Text.Json;
using ObjectStore.Background;
using ObjectStore.FunctionsTests.Infrastructure;
using ObjectStore.Hosting;

namespace ObjectStore.FunctionsTests;

/// <summary>
/// The committed local.settings.sample.json of each app, and the Bicep app settings, carry every
/// setting the core reads, under the names the core reads.
/// </summary>
public sealed partial class AppSettingsTests
{
    [System.Text.RegularExpressions.GeneratedRegex(@"'([A-Za-z_][A-Za-z0-9_]*)'")]
    private static partial System.Text.RegularExpressions.Regex QuotedName();

    private static readonly string RepoRoot = ObjectStore.Testing.RepoRoot.Find();

    public static TheoryData<string> Apps => new(FunctionApp.All.Select(a => a.Name));

    /// <summary>Every "...Setting" constant of the core's settings classes.</summary>
    private static IReadOnlyList<string> CoreSettingNames() =>
        new[] { typeof(ObjectStoreSettings), typeof(BackgroundSchedules), typeof(LifecycleSettings) }
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

    /// <summary>
    /// Every property name in the compiled main template, and every quoted name inside its ARM
    /// expressions: app settings are object keys there, or the keys of a createObject('NAME', value, ...).
    /// </summary>
    private static async Task<HashSet<string>> CompiledTemplateKeysAsync()
    {
        var result = await ProcessRunner.RunAsync(BicepCli.Find(), ["build", "main.bicep", "--stdout"],
            Path.Combine(RepoRoot, "infra", "bicep"), TimeSpan.FromMinutes(2), new Dictionary<string, string?>());
        Assert.True(result.ExitCode == 0, result.Describe("bicep build main.bicep"));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
                foreach (var property in element.EnumerateObject())
                {
                    keys.Add(property.Name);
                    Walk(property.Value);
                }
            else if (element.ValueKind == JsonValueKind.Array)
                foreach (var item in element.EnumerateArray())
                    Walk(item);
            else if (element.ValueKind == JsonValueKind.String && element.GetString() is ['[', ..] expression)
                foreach (System.Text.RegularExpressions.Match literal in QuotedName().Matches(expression))
                    keys.Add(literal.Groups[1].Value);
        }
        using var template = JsonDocument.Parse(result.StandardOutput);
        Walk(template.RootElement);
        return keys;
    }

    /// <summary>In Azure the storage connection is identity-based: these replace the connection string.</summary>
    private static readonly string[] IdentityConnectionSettings =
    [
        $"{BackgroundSchedules.StorageConnectionSetting}__{StorageConnection.TableServiceUriKey}",
        $"{BackgroundSchedules.StorageConnectionSetting}__{StorageConnection.QueueServiceUriKey}",
    ];

    [Fact]
    public async Task Bicep_sets_every_setting_the_code_reads_and_no_storage_connection_string()
    {
        var keys = await CompiledTemplateKeysAsync();
        var read = CoreSettingNames().Where(n => n != BackgroundSchedules.StorageConnectionSetting)
            .Concat(IdentityConnectionSettings);

        Assert.All(read, name => Assert.True(keys.Contains(name), $"main.bicep does not set {name}."));
        // No account key anywhere: the connection string setting is not set at all.
        Assert.DoesNotContain(BackgroundSchedules.StorageConnectionSetting, keys);
    }

    [Fact]
    public async Task Bicep_sets_every_sample_setting_on_the_function_apps()
    {
        var keys = await CompiledTemplateKeysAsync();
        // On Flex Consumption the runtime is the plan's functionAppConfig, and storage is identity-based.
        var replacedInAzure = new Dictionary<string, string>
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "runtime",
            ["AzureWebJobsStorage"] = "AzureWebJobsStorage__accountName",
            [BackgroundSchedules.StorageConnectionSetting] = IdentityConnectionSettings[1],
        };

        var sampleKeys = FunctionApp.All.SelectMany(a => SampleValues(a.Name).Keys).Distinct();
        Assert.All(sampleKeys, key =>
            Assert.True(keys.Contains(replacedInAzure.GetValueOrDefault(key, key)), $"main.bicep does not set {key}."));
    }
}
