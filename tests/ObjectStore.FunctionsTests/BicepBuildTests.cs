using System.Text.Json;
using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

/// <summary>
/// Compiles the templates with the offline bicep. bicep exits 0 on warnings (unknown property,
/// unknown api-version, linter rules), so any diagnostic output fails the test.
/// </summary>
public sealed class BicepBuildTests
{
    private static readonly string BicepDirectory = Path.Combine(ObjectStore.Testing.RepoRoot.Find(), "infra", "bicep");
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static async Task<ProcessResult> BicepAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            // main.bicepparam reads the S3 master secret from the environment, as a deployment would.
            ["OBJECTSTORE_SECRET_KEY"] = "test-secret-key-not-deployed",
            ["OBJECTSTORE_MASTER_KEY"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        };
        return await ProcessRunner.RunAsync(BicepCli.Find(), arguments, BicepDirectory, Timeout, environment);
    }

    [Fact]
    public async Task Main_template_compiles_without_any_diagnostic()
    {
        var result = await BicepAsync("build", "main.bicep", "--stdout");

        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0, result.Describe("bicep build main.bicep"));
        using var template = JsonDocument.Parse(result.StandardOutput);
        var resources = template.RootElement.GetProperty("resources");
        Assert.True(resources.GetArrayLength() > 0 || resources.EnumerateObject().Any(), "The compiled template has no resources.");
    }

    [Fact]
    public async Task Erasure_profile_parameter_is_the_standard_entry_of_the_one_storage_class_setting()
    {
        var result = await BicepAsync("build", "main.bicep", "--stdout");
        Assert.True(result.ExitCode == 0, result.Describe("bicep build main.bicep"));

        // App settings are createObject('NAME', value, ...): the value after the name is STANDARD=<erasureProfile>, then the optional list.
        var text = result.StandardOutput;
        var at = text.IndexOf("'OBJECTSTORE_STORAGE_CLASSES', ", StringComparison.Ordinal);
        Assert.True(at >= 0, "main.bicep does not set OBJECTSTORE_STORAGE_CLASSES.");
        var value = text[(at + "'OBJECTSTORE_STORAGE_CLASSES', ".Length)..];
        value = value[..value.IndexOf(", 'OBJECTSTORE_", StringComparison.Ordinal)];
        Assert.Equal("if(empty(parameters('storageClassProfiles')), format('STANDARD={0}', parameters('erasureProfile')), " +
            "format('STANDARD={0},{1}', parameters('erasureProfile'), parameters('storageClassProfiles')))", value);
        // No second source of class profiles.
        Assert.DoesNotContain("ObjectStore__Data__", text, StringComparison.Ordinal);
    }

    public static TheoryData<string> Modules =>
        new(Directory.GetFiles(Path.Combine(BicepDirectory, "modules"), "*.bicep").Select(f => Path.GetFileName(f)).Order());

    [Theory]
    [MemberData(nameof(Modules))]
    public async Task Every_module_compiles_on_its_own_without_any_diagnostic(string module)
    {
        var result = await BicepAsync("build", Path.Combine("modules", module), "--stdout");

        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0, result.Describe($"bicep build modules/{module}"));
    }

    [Fact]
    public async Task Example_parameters_compile_without_any_diagnostic()
    {
        var result = await BicepAsync("build-params", "main.bicepparam", "--stdout");

        Assert.True(result.ExitCode == 0 && result.StandardError.Trim().Length == 0, result.Describe("bicep build-params main.bicepparam"));
        using var output = JsonDocument.Parse(result.StandardOutput);
        using var parameters = JsonDocument.Parse(output.RootElement.GetProperty("parametersJson").GetString()!);
        Assert.Equal("dev", parameters.RootElement.GetProperty("parameters").GetProperty("environmentName").GetProperty("value").GetString());
    }
}
