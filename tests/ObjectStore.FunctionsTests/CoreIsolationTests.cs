using System.Text.Json;
using System.Xml.Linq;
using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

/// <summary>The core libraries under shared/ never depend on the Functions SDK: only the thin apps do.</summary>
[Collection(FunctionAppBuildsCollection.Name)]
public sealed class CoreIsolationTests(FunctionAppBuilds builds)
{
    private const string FunctionsPrefix = "Microsoft.Azure.Functions";

    private IReadOnlyList<string> CoreProjects()
    {
        var projects = Directory.GetDirectories(Path.Combine(builds.RepoRoot, "shared"))
            .SelectMany(dir => Directory.GetFiles(dir, "*.csproj"))
            .ToArray();
        Assert.NotEmpty(projects);
        return projects;
    }

    [Fact]
    public void Core_projects_reference_no_Functions_package_or_project()
    {
        foreach (var project in CoreProjects())
        {
            var references = XDocument.Load(project).Descendants()
                .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "Reference" or "FrameworkReference" or "PackageDownload")
                .Select(e => (string?)e.Attribute("Include") ?? "");
            foreach (var reference in references)
            {
                Assert.False(reference.Contains(FunctionsPrefix, StringComparison.OrdinalIgnoreCase) ||
                             reference.Replace('\\', '/').Contains("functions/", StringComparison.OrdinalIgnoreCase),
                    $"{Path.GetFileName(project)} references {reference}.");
            }
        }
    }

    [Fact]
    public void Core_projects_resolve_no_Functions_package_even_transitively()
    {
        foreach (var project in CoreProjects())
        {
            var assets = Path.Combine(Path.GetDirectoryName(project)!, "obj", "project.assets.json");
            Assert.True(File.Exists(assets), $"{Path.GetFileName(project)} is not restored ({assets} is missing).");
            using var document = JsonDocument.Parse(File.ReadAllText(assets));
            var libraries = document.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name);
            Assert.DoesNotContain(libraries, l => l.StartsWith(FunctionsPrefix, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Core_assemblies_built_into_the_apps_reference_no_Functions_assembly()
    {
        var coreNames = CoreProjects().Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        var checkedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in FunctionApp.All)
        {
            foreach (var dll in Directory.GetFiles(builds.Output(app), "ObjectStore.*.dll"))
            {
                var name = Path.GetFileNameWithoutExtension(dll);
                if (!coreNames.Contains(name))
                    continue;
                using var assembly = new AssemblyInspector(dll);
                Assert.DoesNotContain(assembly.ReferencedAssemblies, r => r.StartsWith(FunctionsPrefix, StringComparison.OrdinalIgnoreCase));
                checkedNames.Add(name);
            }
        }

        // The apps reach the core through Hosting, which brings the object model and the background
        // services; the Gateway through Hosting.Gateway, which adds the S3 handler.
        Assert.Superset(new HashSet<string> { "ObjectStore.Hosting", "ObjectStore.Hosting.Gateway", "ObjectStore.S3", "ObjectStore.Objects", "ObjectStore.Background" }, checkedNames);
    }

    [Fact]
    public void Background_apps_ship_the_object_model_without_the_S3_protocol()
    {
        foreach (var app in new[] { FunctionApp.Lifecycle, FunctionApp.Repair, FunctionApp.Notify })
        {
            var output = builds.Output(app);
            Assert.True(File.Exists(Path.Combine(output, "ObjectStore.Objects.dll")), $"{app} has no ObjectStore.Objects.dll.");
            Assert.False(File.Exists(Path.Combine(output, "ObjectStore.S3.dll")), $"{app} ships ObjectStore.S3.dll.");
            Assert.False(File.Exists(Path.Combine(output, "ObjectStore.Hosting.Gateway.dll")), $"{app} ships ObjectStore.Hosting.Gateway.dll.");
        }
    }
}
