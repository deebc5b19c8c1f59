namespace ObjectStore.Objects;

/// <summary>ETag header values: a comma-separated list of optionally quoted, optionally weak tags.</summary>
public static class ETags
{
    public static string Quote(string etag) => etag.StartsWith('"') ? etag : "\"" + etag + "\"";

    public static string Unquote(string etag)
    {
        var e = etag.Trim();
        if (e.StartsWith("W/", StringComparison.Ordinal)) e = e[2..];
        if (e.Length >= 2 && e[0] == '"' && e[^1] == '"') e = e[1..^1];
        return e;
    }

    /// <summary>Splits an If-Match / If-None-Match value into its entity tags; null when absent or blank.</summary>
    public static IReadOnlyList<string>? ParseList(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        return header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
