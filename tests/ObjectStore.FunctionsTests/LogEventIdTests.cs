using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ObjectStore.Testing;

namespace ObjectStore.FunctionsTests;

/// <summary>
/// Log event ids are unique across the product and each lies in its project's range, as
/// docs/logging.md lists them. Reflects over the <c>[LoggerMessage]</c> attributes of every product
/// assembly (they stay on the generated partial methods). Failures name the methods and the next
/// free id of each range, so two branches that both added messages merge with a one-line fix.
/// </summary>
public sealed partial class LogEventIdTests
{
    private const string AttributeName = "Microsoft.Extensions.Logging.LoggerMessageAttribute";
    private const string Doc = "docs/logging.md";
    private static readonly string[] ProductFolders = ["shared", "host", "functions", "tools"];

    private sealed record IdRange(int First, int Last, string Project, string Area)
    {
        public bool Contains(int id) => id >= First && id <= Last;
        public override string ToString() => $"{First}-{Last} ({Area})";
    }

    private sealed record LogMethod(string Project, string Method, int? EventId);

    [GeneratedRegex(@"^\|\s*(\d+)\s*-\s*(\d+)\s*\|\s*`?([A-Za-z0-9_.]+)`?\s*\|\s*(.*?)\s*\|\s*$")]
    private static partial Regex RangeRow();

    private static IReadOnlyList<IdRange> Ranges()
    {
        var ranges = File.ReadLines(Path.Combine(RepoRoot.Find(), Doc))
            .Select(line => RangeRow().Match(line))
            .Where(m => m.Success)
            .Select(m => new IdRange(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), m.Groups[3].Value, m.Groups[4].Value))
            .ToList();
        Assert.NotEmpty(ranges);
        return ranges;
    }

    [Fact]
    public void The_ranges_in_docs_logging_md_do_not_overlap()
    {
        var ranges = Ranges().OrderBy(r => r.First).ToList();
        var problems = ranges.Where(r => r.First > r.Last).Select(r => $"{r.Project} {r}: the range is empty").ToList();
        for (var i = 1; i < ranges.Count; i++)
            if (ranges[i].First <= ranges[i - 1].Last)
                problems.Add($"{ranges[i - 1].Project} {ranges[i - 1]} overlaps {ranges[i].Project} {ranges[i]}");
        Assert.True(problems.Count == 0, $"{Doc}:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void Every_log_event_id_is_unique_and_inside_its_projects_range()
    {
        var ranges = Ranges();
        var (methods, problems) = LogMethods();
        Assert.True(methods.Count > 20, $"Found only {methods.Count} [LoggerMessage] methods: is the attribute still on the generated methods?");

        problems.AddRange(Check(ranges, methods));

        Assert.True(problems.Count == 0, Report(problems, ranges, methods));
    }

    [Fact]
    public void The_check_names_both_methods_of_a_collision_and_an_id_outside_its_range()
    {
        IdRange[] ranges = [new(1000, 1099, "A", "one"), new(2000, 2099, "B", "two")];
        LogMethod[] methods = [new("A", "A.Log.First", 1001), new("B", "B.Log.Second", 1001), new("B", "B.Log.Third", null), new("C", "C.Log.Fourth", 3000)];

        var problems = Check(ranges, methods);

        Assert.Equal(
        [
            "B.Log.Third (B) has no EventId: give it the next free id of its range.",
            "Event id 1001 is used 2 times: A.Log.First (A), B.Log.Second (B).",
            $"C has log messages but no range in {Doc}: add a row for it (an unassigned block).",
            "B.Log.Second uses event id 1001, outside B's ranges 2000-2099.",
        ], problems);
    }

    private static List<string> Check(IReadOnlyList<IdRange> ranges, IReadOnlyList<LogMethod> methods)
    {
        var problems = new List<string>();
        foreach (var m in methods.Where(m => m.EventId is null))
            problems.Add($"{m.Method} ({m.Project}) has no EventId: give it the next free id of its range.");

        foreach (var group in methods.Where(m => m.EventId is not null).GroupBy(m => m.EventId!.Value).Where(g => g.Count() > 1).OrderBy(g => g.Key))
            problems.Add($"Event id {group.Key} is used {group.Count()} times: " + string.Join(", ", group.Select(m => $"{m.Method} ({m.Project})")) + ".");

        foreach (var project in methods.Select(m => m.Project).Distinct().Where(p => !ranges.Any(r => r.Project == p)))
            problems.Add($"{project} has log messages but no range in {Doc}: add a row for it (an unassigned block).");

        foreach (var m in methods.Where(m => m.EventId is not null && ranges.Any(r => r.Project == m.Project)))
            if (!ranges.Any(r => r.Project == m.Project && r.Contains(m.EventId!.Value)))
                problems.Add($"{m.Method} uses event id {m.EventId}, outside {m.Project}'s ranges " +
                             string.Join(", ", ranges.Where(r => r.Project == m.Project).Select(r => $"{r.First}-{r.Last}")) + ".");
        return problems;
    }

    private static string Report(List<string> problems, IReadOnlyList<IdRange> ranges, List<LogMethod> methods)
    {
        var text = new StringBuilder($"Log event ids break the rules of {Doc}:\n");
        foreach (var p in problems)
            text.Append("  ").Append(p).Append('\n');
        text.Append("Next free id per range:\n");
        foreach (var r in ranges)
        {
            var used = methods.Where(m => m.EventId is { } id && r.Contains(id)).Select(m => m.EventId!.Value).ToList();
            var next = used.Count == 0 ? r.First : used.Max() + 1;
            text.Append($"  {r.Project} {r}: {(next <= r.Last ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : "full")}\n");
        }
        return text.ToString();
    }

    /// <summary>
    /// Every [LoggerMessage] method of every product project. The shared libraries are loaded from
    /// this test's references (through Hosting); a project this test cannot load (the hosts, the apps,
    /// the admin tool) must not have any, or the check would miss it.
    /// </summary>
    private static (List<LogMethod> Methods, List<string> Problems) LogMethods()
    {
        var root = RepoRoot.Find();
        var methods = new List<LogMethod>();
        var problems = new List<string>();
        var projects = ProductFolders
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(projects);
        foreach (var project in projects)
        {
            var name = (string?)XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault() ?? Path.GetFileNameWithoutExtension(project);
            Assembly assembly;
            try
            {
                assembly = Assembly.Load(new AssemblyName(name));
            }
            catch (FileNotFoundException)
            {
                var relative = Path.GetRelativePath(root, project);
                if (relative.StartsWith("shared", StringComparison.Ordinal))
                    problems.Add($"{relative} is not loaded by this test: reference it from ObjectStore.FunctionsTests (or from Hosting).");
                else if (HasLoggerMessages(Path.GetDirectoryName(project)!))
                    problems.Add($"{relative} has [LoggerMessage] methods this test cannot see: reference the project from ObjectStore.FunctionsTests.");
                continue;
            }
            methods.AddRange(LogMethodsOf(assembly, name));
        }
        return (methods, problems);
    }

    private static bool HasLoggerMessages(string directory) =>
        Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Any(f => File.ReadAllText(f).Contains("[LoggerMessage", StringComparison.Ordinal));

    private static IEnumerable<LogMethod> LogMethodsOf(Assembly assembly, string project)
    {
        Type?[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types;
        }
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
        foreach (var type in types.OfType<Type>())
            foreach (var method in type.GetMethods(all))
                foreach (var attribute in method.GetCustomAttributesData().Where(a => a.AttributeType.FullName == AttributeName))
                    yield return new LogMethod(project, $"{type.FullName!.Replace('+', '.')}.{method.Name}", EventIdOf(attribute));
    }

    /// <summary>EventId as a named argument, or the eventId parameter of the (int, LogLevel, string) constructor; null when absent.</summary>
    private static int? EventIdOf(CustomAttributeData attribute)
    {
        foreach (var named in attribute.NamedArguments)
            if (named.MemberName == "EventId")
                return (int)named.TypedValue.Value!;
        var parameters = attribute.Constructor.GetParameters();
        for (var i = 0; i < parameters.Length; i++)
            if (parameters[i].Name == "eventId")
                return (int)attribute.ConstructorArguments[i].Value!;
        return null;
    }
}
