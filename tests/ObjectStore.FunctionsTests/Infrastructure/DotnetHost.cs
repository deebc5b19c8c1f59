namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>The dotnet executable running the tests, and an environment for a nested build.</summary>
internal static class DotnetHost
{
    public static string Path { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";

    /// <summary>
    /// The test host inherits MSBuild's variables from `dotnet test`; a nested `dotnet build`
    /// must resolve its own SDK and start its own nodes, so they are removed.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> CleanBuildEnvironment()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) ||
                name.StartsWith("_MSBUILD", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("MSBuildExtensionsPath", StringComparison.OrdinalIgnoreCase) ||
                name.Equals("MSBuildSDKsPath", StringComparison.OrdinalIgnoreCase))
                environment[name] = null;
        }
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        return environment;
    }
}
