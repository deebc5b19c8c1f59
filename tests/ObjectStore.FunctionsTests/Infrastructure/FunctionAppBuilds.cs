namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>
/// Builds the four function apps once per test run, one after the other, each into its own
/// temporary folder (`dotnet build -c Release -o`), so the tests read what the Functions SDK
/// generated: functions.metadata, worker.config.json, extensions.json, host.json.
/// </summary>
public sealed class FunctionAppBuilds : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private readonly Dictionary<FunctionApp, ProcessResult> _results = [];

    public string RepoRoot { get; } = ObjectStore.Testing.RepoRoot.Find();

    public string OutputRoot { get; } = Path.Combine(Path.GetTempPath(), $"objectstore-functions-{Guid.NewGuid():N}");

    public string OutputDirectory(FunctionApp app) => Path.Combine(OutputRoot, app.Name);

    public async Task InitializeAsync()
    {
        foreach (var app in FunctionApp.All)
            _results[app] = await BuildAsync(app);
    }

    /// <summary>The app's build output folder; fails the calling test with the build log if the build failed.</summary>
    public string Output(FunctionApp app)
    {
        var result = _results[app];
        Assert.True(result.ExitCode == 0, result.Describe($"dotnet build of {app.Name}"));
        return OutputDirectory(app);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(OutputRoot, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
        return Task.CompletedTask;
    }

    private Task<ProcessResult> BuildAsync(FunctionApp app) =>
        ProcessRunner.RunAsync(
            DotnetHost.Path,
            [
                "build", app.ProjectPath(RepoRoot),
                "-c", "Release",
                "-o", OutputDirectory(app),
                // No build servers: they would outlive the build and hold its output pipes open.
                "--disable-build-servers",
                "-nologo", "-v", "q", "-clp:ErrorsOnly",
            ],
            RepoRoot,
            BuildTimeout,
            DotnetHost.CleanBuildEnvironment());
}

[CollectionDefinition(Name)]
public sealed class FunctionAppBuildsCollection : ICollectionFixture<FunctionAppBuilds>
{
    public const string Name = "Function app builds";
}
