using System.Security.Cryptography;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>One FilterRule as sent: the protocol parses it, the name is checked here, with S3's messages.</summary>
internal sealed record NotificationFilterRule(string Name, string Value);

/// <summary>One configuration entry as sent (the protocol parses it), before validation (Id may be missing).</summary>
internal sealed record NotificationEntry(NotificationKind Kind, string? Id, string DestinationArn, IReadOnlyList<string> Events, IReadOnlyList<NotificationFilterRule> FilterRules);

/// <summary>
/// Checks a notification configuration as S3 does, with S3's InvalidArgument messages: known event
/// types, filter rules named prefix or suffix (at most one each), destinations the operator defined,
/// unique ids, and no two configurations that could both match one event of one key.
/// </summary>
internal static class NotificationRules
{
    public const int MaxConfigurations = 100;

    public static NotificationConfiguration Validate(IReadOnlyList<NotificationEntry> entries, Func<string, bool> isKnownDestination)
    {
        if (entries.Count > MaxConfigurations)
            throw Invalid($"The configuration may hold at most {MaxConfigurations} notification configurations.", "NotificationConfiguration", entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var rules = new List<NotificationRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var e in entry.Events)
            {
                if (!EventNames.Configurable.Contains(e))
                    throw Invalid("The event is not supported for notifications", "Event", e);
            }
            var (prefix, suffix) = Filter(entry.FilterRules);
            var id = string.IsNullOrEmpty(entry.Id) ? NewId() : entry.Id;
            if (id.Length > 255)
                throw Invalid("The configuration Id may be at most 255 characters long.", "Id", id);
            if (!ids.Add(id))
                throw Invalid("Same ID used for multiple configurations. IDs must be unique", "Id", id);
            rules.Add(new NotificationRule(entry.Kind, id, entry.DestinationArn, entry.Events.Distinct(StringComparer.Ordinal).ToList())
            {
                Prefix = prefix,
                Suffix = suffix,
            });
        }

        var unknown = rules.Select(r => r.DestinationArn).Distinct(StringComparer.Ordinal).Where(arn => !isKnownDestination(arn)).ToList();
        if (unknown.Count > 0)
        {
            var details = new Dictionary<string, string>();
            for (var i = 0; i < unknown.Count; i++)
            {
                details[$"ArgumentName{i + 1}"] = unknown[i];
                details[$"ArgumentValue{i + 1}"] = "The destination is not defined on this server (the operator defines destinations in the settings)";
            }
            throw new S3Exception(S3Errors.InvalidArgument, "Unable to validate the following destination configurations") { Details = details };
        }

        for (var i = 0; i < rules.Count; i++)
        {
            for (var j = i + 1; j < rules.Count; j++)
            {
                if (Overlap(rules[i], rules[j]) is { } shared)
                    throw Invalid("Configurations overlap. Configurations on the same bucket cannot share a common event type.", "Event", shared);
            }
        }
        return new NotificationConfiguration(rules);
    }

    /// <summary>The prefix and suffix of a filter; names are case-insensitive, at most one of each, values at most 1024 characters.</summary>
    private static (string? Prefix, string? Suffix) Filter(IReadOnlyList<NotificationFilterRule> filterRules)
    {
        string? prefix = null, suffix = null;
        foreach (var rule in filterRules)
        {
            if (rule.Value.Length > 1024)
                throw Invalid("The filter rule value may be at most 1024 characters long.", "FilterRule", rule.Value);
            if (rule.Name.Equals("prefix", StringComparison.OrdinalIgnoreCase))
            {
                if (prefix is not null)
                    throw Invalid("Cannot specify more than one prefix rule in a filter.", "FilterRule", rule.Name);
                prefix = rule.Value;
            }
            else if (rule.Name.Equals("suffix", StringComparison.OrdinalIgnoreCase))
            {
                if (suffix is not null)
                    throw Invalid("Cannot specify more than one suffix rule in a filter.", "FilterRule", rule.Name);
                suffix = rule.Value;
            }
            else
            {
                throw Invalid("filter rule name must be either prefix or suffix", "FilterRule", rule.Name);
            }
        }
        return (prefix.NullIfEmpty(), suffix.NullIfEmpty());
    }

    /// <summary>An event type both rules take when some key can match both filters; null when they cannot meet.</summary>
    private static string? Overlap(NotificationRule a, NotificationRule b)
    {
        var shared = a.Events.FirstOrDefault(x => b.Events.Any(y => EventNames.Overlap(x, y)));
        if (shared is null)
            return null;
        // Two prefixes meet when one starts the other; two suffixes when one ends the other.
        var prefixes = a.Prefix is null || b.Prefix is null || a.Prefix.StartsWith(b.Prefix, StringComparison.Ordinal) || b.Prefix.StartsWith(a.Prefix, StringComparison.Ordinal);
        var suffixes = a.Suffix is null || b.Suffix is null || a.Suffix.EndsWith(b.Suffix, StringComparison.Ordinal) || b.Suffix.EndsWith(a.Suffix, StringComparison.Ordinal);
        return prefixes && suffixes ? shared : null;
    }

    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? NullIfEmpty(this string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static S3Exception Invalid(string message, string argumentName, string argumentValue) =>
        new(S3Errors.InvalidArgument, message) { Details = new Dictionary<string, string> { ["ArgumentName"] = argumentName, ["ArgumentValue"] = argumentValue } };
}
