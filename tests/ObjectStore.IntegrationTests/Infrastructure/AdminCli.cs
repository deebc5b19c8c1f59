using System.Text.Json;

namespace ObjectStore.IntegrationTests.Infrastructure;

/// <summary>Runs the real admin command line (tools/ObjectStore.Admin, built beside the tests) against an instance.</summary>
public static class AdminCli
{
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "objectstore-admin.dll");

    public static Task<ProcessResult> RunAsync(LocalHostInstance host, params string[] arguments) =>
        RunAsAsync(host, LocalHostInstance.AccessKey, LocalHostInstance.SecretKey, arguments);

    /// <summary>Runs it with other keys than the instance's root key.</summary>
    public static Task<ProcessResult> RunAsAsync(LocalHostInstance host, string accessKey, string secretKey, params string[] arguments) =>
        ExternalProcess.RunAsync("dotnet", [Assembly, .. arguments], new Dictionary<string, string?>
        {
            ["OBJECTSTORE_ENDPOINT"] = host.Endpoint.ToString(),
            ["OBJECTSTORE_ACCESS_KEY"] = accessKey,
            ["OBJECTSTORE_SECRET_KEY"] = secretKey,
        });

    /// <summary>Runs a command that must succeed and parses the JSON it prints.</summary>
    public static async Task<JsonElement> RunJsonAsync(LocalHostInstance host, params string[] arguments)
    {
        var result = await RunAsync(host, arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = JsonDocument.Parse(result.StdOut);
        return document.RootElement.Clone();
    }
}
