using System.Text.Json;
using System.Xml.Linq;
using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

/// <summary>
/// The index contract (ObjectStore.Index: interfaces and records) carries no Azure SDK; the Azure Table
/// implementation (ObjectStore.Index.Tables) is reached only through the composition layer (Hosting),
/// the tools and the tests, so the object service, background passes and lifecycle compile against the
/// contract alone.
/// </summary>
[Collection(FunctionAppBuildsCollection.Name)]
public sealed class IndexIsolationTests(FunctionAppBuilds builds)
{
    private const string Contract = "ObjectStore.Index";
    private const string Tables = "ObjectStore.Index.Tables";
    private const string AzurePrefix = "Azure.";

    /// <summary>The shared projects allowed to reference the Table implementation: composition only.</summary>
    private static readonly HashSet<string> Composition = new(StringComparer.Ordinal) { "ObjectStore.Hosting" };

    private string SharedProject(string name) => Path.Combine(builds.RepoRoot, "shared", name, name + ".csproj");

    private static IEnumerable<string> References(string project) =>
        XDocument.Load(project).Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "Reference" or "FrameworkReference" or "PackageDownload")
            .Select(e => (string?)e.Attribute("Include") ?? "");

    [Fact]
    public void Index_contract_project_references_no_Azure_package_or_project()
    {
        var project = SharedProject(Contract);
        Assert.True(File.Exists(project), $"{project} is missing.");
        foreach (var reference in References(project))
            Assert.False(reference.StartsWith(AzurePrefix, StringComparison.OrdinalIgnoreCase) || reference.Contains(Tables, StringComparison.Ordinal),
                $"{Contract} references {reference}.");
    }

    [Fact]
    public void Index_contract_resolves_no_Azure_package_even_transitively()
    {
        var assets = Path.Combine(builds.RepoRoot, "shared", Contract, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{Contract} is not restored ({assets} is missing).");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        var libraries = document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name);
        Assert.DoesNotContain(libraries, l => l.StartsWith(AzurePrefix, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Only_the_composition_layer_among_shared_projects_references_the_Table_index()
    {
        var referencing = Directory.GetDirectories(Path.Combine(builds.RepoRoot, "shared"))
            .SelectMany(dir => Directory.GetFiles(dir, "*.csproj"))
            .Where(p => References(p).Any(r => Path.GetFileNameWithoutExtension(r.Replace('\\', '/')) == Tables))
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Composition, referencing);
    }

    [Fact]
    public void Function_apps_reach_the_Table_index_only_through_Hosting()
    {
        var function = FunctionApp.All.SelectMany(app => References(app.ProjectPath(builds.RepoRoot)))
            .Where(r => r.Contains(Tables, StringComparison.Ordinal));
        Assert.Empty(function);

        foreach (var app in FunctionApp.All)
        {
            var output = builds.Output(app);
            Assert.True(File.Exists(Path.Combine(output, Tables + ".dll")), $"{app.Name} does not ship {Tables}.dll.");
            foreach (var dll in Directory.GetFiles(output, "ObjectStore.*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(dll);
                using var assembly = new AssemblyInspector(dll);
                var references = assembly.ReferencedAssemblies;
                if (name == Contract)
                    Assert.DoesNotContain(references, r => r.StartsWith(AzurePrefix, StringComparison.OrdinalIgnoreCase));
                if (references.Contains(Tables))
                    Assert.True(Composition.Contains(name), $"{name}.dll in {app.Name} references {Tables}.");
            }
        }
    }
}
