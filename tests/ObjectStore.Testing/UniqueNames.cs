using System.Security.Cryptography;

namespace ObjectStore.Testing;

/// <summary>
/// Per-test names that satisfy Azure's rules, so tests sharing one Azurite never collide.
/// Tables: letters and digits, starting with a letter, 3-63 characters.
/// Queues and containers: lower-case letters, digits and single hyphens, 3-63 characters,
/// starting and ending with a letter or digit.
/// </summary>
public static class UniqueNames
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int SuffixLength = 12;

    /// <summary>E.g. Table("objects") → "objectsk3f9x0q2m1zt". The prefix is cleaned to letters and digits.</summary>
    public static string Table(string prefix = "t")
    {
        var clean = new string(prefix.Where(char.IsAsciiLetterOrDigit).ToArray());
        if (clean.Length == 0 || !char.IsAsciiLetter(clean[0]))
            clean = "t" + clean;
        return Truncate(clean, 63 - SuffixLength) + Suffix();
    }

    /// <summary>E.g. Queue("events") → "events-k3f9x0q2m1zt".</summary>
    public static string Queue(string prefix = "q") => Hyphenated(prefix);

    /// <summary>E.g. Container("shards") → "shards-k3f9x0q2m1zt".</summary>
    public static string Container(string prefix = "c") => Hyphenated(prefix);

    /// <summary>A bucket name valid for S3 (lower-case letters, digits, hyphens, 3-63).</summary>
    public static string Bucket(string prefix = "b") => Hyphenated(prefix);

    private static string Hyphenated(string prefix)
    {
        var chars = prefix.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var clean = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        if (clean.Length == 0)
            clean = "x";
        return Truncate(clean, 63 - SuffixLength - 1).TrimEnd('-') + "-" + Suffix();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static string Suffix() => RandomNumberGenerator.GetString(Alphabet, SuffixLength);
}
