using System.Text.Json;

namespace ObjectStore.FunctionsTests.Infrastructure;

/// <summary>The parts of a generated functions.metadata entry the tests check.</summary>
internal sealed record FunctionEntry(string Name, string ScriptFile, string EntryPoint, string Language, IReadOnlyList<JsonElement> Bindings)
{
    public JsonElement Trigger =>
        Assert.Single(Bindings, b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    public static IReadOnlyList<FunctionEntry> Read(string outputDirectory)
    {
        var path = Path.Combine(outputDirectory, "functions.metadata");
        Assert.True(File.Exists(path), $"The build wrote no functions.metadata in {outputDirectory}.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray()
            .Select(f => new FunctionEntry(
                f.GetProperty("name").GetString()!,
                f.GetProperty("scriptFile").GetString()!,
                f.GetProperty("entryPoint").GetString()!,
                f.GetProperty("language").GetString()!,
                f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToArray()))
            .ToArray();
    }
}

internal static class JsonFiles
{
    public static JsonElement Read(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist.");
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return document.RootElement.Clone();
    }

    public static string? String(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
