using System.Reflection;
using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

[Collection(FunctionAppBuildsCollection.Name)]
public sealed class BuildOutputTests(FunctionAppBuilds builds)
{
    public static TheoryData<string> Apps => new(FunctionApp.All.Select(a => a.Name));

    [Theory]
    [MemberData(nameof(Apps))]
    public void Every_function_points_at_a_thin_sealed_class_of_its_own_app(string appName)
    {
        var app = new FunctionApp(appName);
        var output = builds.Output(app);

        var functions = FunctionEntry.Read(output);
        Assert.Contains(functions, f => f.Name == appName); // each app has its namesake function (Notify also has OutboxSweep)
        foreach (var function in functions)
        {
            Assert.Equal("dotnet-isolated", function.Language);
            Assert.Equal($"{app.AssemblyName}.dll", function.ScriptFile);
            Assert.Equal($"{app.AssemblyName}.{function.Name}Function.RunAsync", function.EntryPoint);

            using var assembly = new AssemblyInspector(Path.Combine(output, function.ScriptFile));
            var typeName = function.EntryPoint[..function.EntryPoint.LastIndexOf('.')];
            var type = assembly.FindType(typeName);
            Assert.True(type is not null, $"{function.ScriptFile} has no type {typeName}.");
            Assert.True(type.Value.Attributes.HasFlag(TypeAttributes.Sealed), $"{typeName} is not sealed.");
            // Thin: a constructor taking the core service, and the one function method calling it.
            Assert.Equal([".ctor", "RunAsync"], type.Value.Methods.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void Every_app_output_has_the_worker_config_and_the_extensions_list(string appName)
    {
        var app = new FunctionApp(appName);
        var output = builds.Output(app);

        var worker = JsonFiles.Read(Path.Combine(output, "worker.config.json")).GetProperty("description");
        Assert.Equal("dotnet-isolated", worker.String("language"));
        Assert.Equal($"{app.AssemblyName}.dll", worker.String("defaultWorkerPath"));

        var extensions = JsonFiles.Read(Path.Combine(output, "extensions.json")).GetProperty("extensions");
        Assert.NotEmpty(extensions.EnumerateArray());
        foreach (var extension in extensions.EnumerateArray())
        {
            var hintPath = extension.String("hintPath")!;
            Assert.True(File.Exists(Path.Combine(output, hintPath)), $"extensions.json names {hintPath}, which the build did not write.");
        }

        Assert.True(File.Exists(Path.Combine(output, "host.json")), "host.json is not in the output.");
        Assert.False(File.Exists(Path.Combine(output, "local.settings.sample.json")), "The settings sample must not ship.");
    }
}
