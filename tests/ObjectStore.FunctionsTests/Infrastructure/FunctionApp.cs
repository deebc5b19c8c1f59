namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>One of the four function apps under functions/: its folder, project and assembly names.</summary>
public sealed record FunctionApp(string Name)
{
    public static readonly FunctionApp Gateway = new("Gateway");
    public static readonly FunctionApp Lifecycle = new("Lifecycle");
    public static readonly FunctionApp Repair = new("Repair");
    public static readonly FunctionApp Notify = new("Notify");

    public static IReadOnlyList<FunctionApp> All { get; } = [Gateway, Lifecycle, Repair, Notify];

    public string AssemblyName => $"ObjectStore.Functions.{Name}";

    public string ProjectDirectory(string repoRoot) => Path.Combine(repoRoot, "functions", Name);

    public string ProjectPath(string repoRoot) => Path.Combine(ProjectDirectory(repoRoot), $"{Name}.csproj");

    public override string ToString() => Name;
}
