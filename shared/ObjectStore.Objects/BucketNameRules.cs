namespace ObjectStore.Objects;

/// <summary>S3's rules for new bucket names, plus the names the Functions host keeps for itself.</summary>
public static class BucketNameRules
{
    /// <summary>Under Azure Functions with an empty route prefix the host serves /admin and /runtime itself.</summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>(StringComparer.Ordinal) { "admin", "runtime" };

    /// <summary>Returns null when <paramref name="name"/> is a valid new bucket name, else the reason.</summary>
    public static string? Validate(string name)
    {
        if (name.Length < 3 || name.Length > 63)
            return "Bucket names must be between 3 and 63 characters long.";
        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' || c is >= '0' and <= '9' || c is '.' or '-'))
                return "Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-).";
        }
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
            return "Bucket names must begin and end with a letter or number.";
        if (name.Contains("..", StringComparison.Ordinal))
            return "Bucket names must not contain two adjacent periods.";
        if (name.Contains(".-", StringComparison.Ordinal) || name.Contains("-.", StringComparison.Ordinal))
            return "Bucket names must not contain a period next to a hyphen.";
        if (IsIpAddressForm(name))
            return "Bucket names must not be formatted as an IP address.";
        if (name.StartsWith("xn--", StringComparison.Ordinal))
            return "Bucket names must not start with the prefix 'xn--'.";
        if (name.StartsWith("sthree-", StringComparison.Ordinal))
            return "Bucket names must not start with the prefix 'sthree-'.";
        if (name.StartsWith("amzn-s3-demo-", StringComparison.Ordinal))
            return "Bucket names must not start with the prefix 'amzn-s3-demo-'.";
        if (name.EndsWith("-s3alias", StringComparison.Ordinal))
            return "Bucket names must not end with the suffix '-s3alias'.";
        if (name.EndsWith("--ol-s3", StringComparison.Ordinal))
            return "Bucket names must not end with the suffix '--ol-s3'.";
        if (name.EndsWith(".mrap", StringComparison.Ordinal))
            return "Bucket names must not end with the suffix '.mrap'.";
        if (name.EndsWith("--x-s3", StringComparison.Ordinal))
            return "Bucket names must not end with the suffix '--x-s3'.";
        if (ReservedNames.Contains(name))
            return $"The bucket name '{name}' is reserved: the Azure Functions host serves the path /{name} itself.";
        return null;
    }

    private static bool IsIpAddressForm(string name)
    {
        var parts = name.Split('.');
        return parts.Length == 4 && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
    }
}
