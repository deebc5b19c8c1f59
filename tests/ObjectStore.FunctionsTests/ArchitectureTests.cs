using System.Text.RegularExpressions;
using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

/// <summary>
/// The layering of the core libraries, checked on what the compiler emitted (type references in the
/// assemblies next to this test, which reach every project under shared/ through Hosting) and on the
/// sources: no namespace loops, an object model without protocol or Azure types, small classes with
/// few dependencies, small files. See docs/architecture.md.
/// </summary>
public sealed partial class ArchitectureTests
{
    private const int MaxConstructorDependencies = 5;
    private const int MaxClassLines = 800;
    private const int MaxFileLines = 400;

    private static readonly string RepoRoot = ObjectStore.Testing.RepoRoot.Find();

    // Known debts, outside the object-model move, each with the work that removes it. Nothing new may join
    // these lists; an entry that no longer offends is simply ignored (remove it when you notice).

    /// <summary>Namespace loops (sorted members joined by " <-> ").</summary>
    private static readonly HashSet<string> KnownLoops = new(StringComparer.Ordinal)
    {
    };

    /// <summary>Classes over the line limit.</summary>
    private static readonly HashSet<string> KnownLargeClasses = new(StringComparer.Ordinal)
    {
    };

    /// <summary>Constructors over the dependency limit.</summary>
    private static readonly HashSet<string> KnownWideConstructors = new(StringComparer.Ordinal)
    {
    };

    private static IReadOnlyList<string> CoreProjectNames() =>
        Directory.GetDirectories(Path.Combine(RepoRoot, "shared"))
            .SelectMany(dir => Directory.GetFiles(dir, "*.csproj"))
            .Select(Path.GetFileNameWithoutExtension)
            .ToArray()!;

    private static TypeReferences Assembly(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
        Assert.True(File.Exists(path), $"{name}.dll is not next to the tests: does Hosting still reach it?");
        return TypeReferences.Read(path);
    }

    [Fact]
    public void No_core_project_has_a_namespace_loop()
    {
        var loops = new List<string>();
        foreach (var project in CoreProjectNames())
        {
            var assembly = Assembly(project);
            var ours = assembly.DefinedNamespaces.Where(n => n.StartsWith("ObjectStore.", StringComparison.Ordinal)).ToHashSet();
            var edges = assembly.Edges.Keys.Where(e => ours.Contains(e.From) && ours.Contains(e.To)).ToList();
            foreach (var cycle in NamespaceCycles.Find(ours, edges).Where(c => !KnownLoops.Contains(string.Join(" <-> ", c))))
            {
                var examples = edges.Where(e => cycle.Contains(e.From) && cycle.Contains(e.To))
                    .Select(e => $"    {e.From} -> {e.To} (e.g. {assembly.Edges[e].FromType} uses {assembly.Edges[e].ToType})");
                loops.Add($"{project}: {string.Join(" <-> ", cycle)}\n{string.Join("\n", examples)}");
            }
        }
        Assert.True(loops.Count == 0, "Namespace loops:\n" + string.Join("\n", loops));
    }

    [Fact]
    public void Object_model_references_no_protocol_xml_http_or_azure()
    {
        var model = Assembly("ObjectStore.Objects");
        string[] forbidden = ["ObjectStore.S3", "System.Xml", "System.Private.Xml", "Microsoft.AspNetCore", "Azure"];
        static bool Matches(string name, string prefix) => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

        Assert.DoesNotContain(model.ReferencedAssemblies, a => forbidden.Any(f => Matches(a, f)));
        var offending = model.Edges.Where(e => forbidden.Any(f => Matches(e.Key.To, f)))
            .Select(e => $"{e.Value.FromType} uses {e.Value.ToType}").ToList();
        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Fact]
    public void Background_passes_reach_the_object_model_through_interfaces_not_the_S3_protocol()
    {
        var background = Assembly("ObjectStore.Background");
        Assert.DoesNotContain("ObjectStore.S3", background.ReferencedAssemblies);
        Assert.DoesNotContain("ObjectStore.Objects", background.ReferencedAssemblies);
    }

    [Fact]
    public void The_core_composition_the_background_apps_use_knows_no_S3_protocol()
    {
        var hosting = Assembly("ObjectStore.Hosting");
        Assert.Contains("ObjectStore.Objects", hosting.ReferencedAssemblies);
        Assert.DoesNotContain("ObjectStore.S3", hosting.ReferencedAssemblies);
        Assert.DoesNotContain("ObjectStore.Hosting.Gateway", hosting.ReferencedAssemblies);
    }

    /// <summary>
    /// Counts collaborators only: options (IOptions&lt;T&gt; or a *Options object), loggers and plain values
    /// (strings, numbers, lists of them) are settings and plumbing, not dependencies. Records are data, not services.
    /// </summary>
    [Fact]
    public void No_core_constructor_takes_more_than_five_dependencies()
    {
        var offending = new List<string>();
        foreach (var project in CoreProjectNames())
        {
            foreach (var (type, parameters) in Assembly(project).Constructors)
            {
                var dependencies = parameters.Count(IsDependency);
                if (dependencies > MaxConstructorDependencies && !KnownWideConstructors.Contains(type))
                    offending.Add($"{type}({string.Join(", ", parameters)})");
            }
        }
        Assert.True(offending.Count == 0, $"Constructors with more than {MaxConstructorDependencies} dependencies:\n" + string.Join("\n", offending));
    }

    private static bool IsDependency(string parameterType) =>
        !parameterType.StartsWith("Microsoft.Extensions.Options.IOptions`1<", StringComparison.Ordinal)
        && !parameterType.StartsWith("Microsoft.Extensions.Logging.ILogger", StringComparison.Ordinal)
        && !parameterType.EndsWith("Options", StringComparison.Ordinal)
        && parameterType is not ("String" or "Int32" or "Int64" or "Boolean" or "Double" or "System.TimeSpan"
            or "System.Collections.Generic.IEnumerable`1<String>" or "System.Collections.Generic.IReadOnlyList`1<String>");

    [Fact]
    public void No_core_class_spans_more_than_800_lines_across_its_partial_files()
    {
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in ProductSources())
        {
            var text = File.ReadAllLines(file);
            var ns = text.Select(l => NamespaceLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "";
            var starts = text.Select((l, i) => (Match: TypeLine().Match(l), Line: i)).Where(x => x.Match.Success).ToList();
            for (var t = 0; t < starts.Count; t++)
            {
                var end = t + 1 < starts.Count ? starts[t + 1].Line : text.Length;
                var name = $"{ns}.{starts[t].Match.Groups[1].Value}";
                lines[name] = lines.GetValueOrDefault(name) + end - starts[t].Line;
            }
        }
        Assert.NotEmpty(lines);
        var offending = lines.Where(l => l.Value > MaxClassLines && !KnownLargeClasses.Contains(l.Key)).Select(l => $"{l.Key}: {l.Value} lines").ToList();
        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    [Fact]
    public void No_product_source_file_is_longer_than_400_lines()
    {
        var offending = ProductSources()
            .Select(f => (File: Path.GetRelativePath(RepoRoot, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxFileLines)
            .Select(f => $"{f.File}: {f.Lines} lines")
            .ToList();
        Assert.True(offending.Count == 0, string.Join("\n", offending));
    }

    /// <summary>The C# sources of the core libraries, the function apps, the local host and the tools (not tests or benchmarks).</summary>
    private static IEnumerable<string> ProductSources() =>
        new[] { "shared", "functions", "host", "tools" }
            .Select(d => Path.Combine(RepoRoot, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [GeneratedRegex(@"^namespace ([\w.]+)\s*;")]
    private static partial Regex NamespaceLine();

    /// <summary>A top-level (file-scoped namespace) type declaration.</summary>
    [GeneratedRegex(@"^(?:(?:public|internal|sealed|static|abstract|partial|readonly|file)\s+)*(?:class|record struct|record|struct|interface|enum)\s+(\w+)")]
    private static partial Regex TypeLine();
}
