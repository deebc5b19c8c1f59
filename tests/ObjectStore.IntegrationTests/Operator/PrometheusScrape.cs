using System.Globalization;
using System.Text.RegularExpressions;

namespace ObjectStore.IntegrationTests.Operator;

/// <summary>One scrape of a Prometheus text endpoint: samples by name and labels.</summary>
public sealed partial class PrometheusScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public string Text { get; }

    private PrometheusScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value), StringComparer.Ordinal);
            _samples.Add((match.Groups["name"].Value, labels, Number(match.Groups["value"].Value)));
        }
    }

    private static double Number(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    public static async Task<PrometheusScrape> GetAsync(HttpClient http, Uri endpoint)
    {
        using var response = await http.GetAsync(new Uri(endpoint, "/_metrics"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/_metrics answered {(int)response.StatusCode}: {text}");
        return new PrometheusScrape(text);
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels include <paramref name="labels"/> ("k=v").</summary>
    public double Sum(string name, params string[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l =>
        {
            var eq = l.IndexOf('=', StringComparison.Ordinal);
            return s.Labels.TryGetValue(l[..eq], out var v) && v == l[(eq + 1)..];
        })).Sum(s => s.Value);

    public bool Has(string name) => _samples.Any(s => s.Name == name);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>[^\s]+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(""""([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"""")]
    private static partial Regex LabelPair();
}
