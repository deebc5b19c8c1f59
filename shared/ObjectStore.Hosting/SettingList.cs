namespace ObjectStore.Hosting;

/// <summary>One item of a list setting: <c>NAME=VALUE</c>, or <c>NAME</c> alone where the value is optional.</summary>
public readonly record struct SettingItem(string Name, string? Value);

/// <summary>
/// The one parser of list settings (<c>OBJECTSTORE_ZONES</c>, <c>_BLOB_ZONE_ENDPOINTS</c>,
/// <c>_BLOB_ACCESS_TIERS</c>, <c>_STORAGE_CLASSES</c>, <c>_PRICES</c>): comma-separated items,
/// white space around names, values and items ignored, empty items (a trailing comma) skipped.
/// A name appears once (compared without case); a value splits at the first '='. Every error
/// names the setting and the item. Pure: callers check what the names and values mean.
/// </summary>
public static class SettingList
{
    /// <summary>Items in the order written; an item without '=' fails unless <paramref name="valueOptional"/>.</summary>
    public static IReadOnlyList<SettingItem> Parse(string? text, string setting, bool valueOptional = false)
    {
        var items = new List<SettingItem>();
        if (string.IsNullOrWhiteSpace(text))
            return items;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0 && !valueOptional)
                throw new InvalidOperationException($"{setting}: '{item}' is not NAME=VALUE.");
            var name = (eq < 0 ? item : item[..eq]).Trim();
            var value = eq < 0 ? null : item[(eq + 1)..].Trim();
            if (name.Length == 0)
                throw new InvalidOperationException($"{setting}: '{item}' has no name before '='.");
            if (value is { Length: 0 })
                throw new InvalidOperationException($"{setting}: '{item}' has no value after '='.");
            if (!seen.Add(name))
                throw new InvalidOperationException($"{setting}: '{name}' is named more than once.");
            items.Add(new SettingItem(name, value));
        }
        return items;
    }

    /// <summary><see cref="Parse"/> with a value in every item, as a dictionary that ignores the case of names.</summary>
    public static IReadOnlyDictionary<string, string> ParsePairs(string? text, string setting) =>
        Parse(text, setting).ToDictionary(i => i.Name, i => i.Value!, StringComparer.OrdinalIgnoreCase);
}
