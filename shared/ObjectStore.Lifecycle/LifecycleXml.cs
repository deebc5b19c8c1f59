using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ObjectStore.Lifecycle;

/// <summary>
/// Parses a LifecycleConfiguration document with S3's validation: the structure (MalformedXML), the
/// numbers and dates (InvalidArgument, with S3's messages) and combinations S3 refuses (InvalidRequest).
/// Elements match by local name, with or without the S3 namespace.
/// </summary>
public static partial class LifecycleXml
{
    private const int MaxIdLength = 255;

    /// <summary>Parses and validates; throws <see cref="LifecycleConfigurationException"/> on anything S3 would refuse.</summary>
    public static LifecycleConfiguration Parse(string xml)
    {
        var root = Load(xml);
        if (root.Name.LocalName != "LifecycleConfiguration")
            throw Malformed();
        var rules = new List<LifecycleRule>();
        foreach (var element in root.Elements())
        {
            if (element.Name.LocalName != "Rule")
                throw Malformed();
            rules.Add(ParseRule(element, rules.Count));
        }
        if (rules.Count == 0)
            throw Malformed();
        if (rules.Count > LifecycleConfiguration.MaxRules)
            throw new LifecycleConfigurationException(LifecycleErrorKind.InvalidRequest, $"The number of lifecycle rules must not exceed the allowed limit of {LifecycleConfiguration.MaxRules} rules");
        var duplicate = rules.GroupBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw Invalid("Rule ID must be unique. Found same ID for more than one rule");
        return new LifecycleConfiguration(rules);
    }

    /// <summary>
    /// The document with an ID given to every rule sent without one (or with an empty one), as S3 stores
    /// and returns it; the document unchanged when every rule has one. Call after <see cref="Parse"/>
    /// accepted it.
    /// </summary>
    public static string AssignMissingRuleIds(string xml, Func<string> newId)
    {
        ArgumentNullException.ThrowIfNull(newId);
        var root = Load(xml);
        var changed = false;
        foreach (var rule in root.Elements().Where(e => e.Name.LocalName == "Rule"))
        {
            var id = rule.Elements().FirstOrDefault(e => e.Name.LocalName == "ID");
            if (id is { Value.Length: > 0 })
                continue;
            if (id is null)
                rule.AddFirst(new XElement(rule.Name.Namespace + "ID", newId()));
            else
                id.Value = newId();
            changed = true;
        }
        return changed ? root.ToString(SaveOptions.DisableFormatting) : xml;
    }

    private static XElement Load(string xml)
    {
        try
        {
            return BoundedXml.Load(xml, keepWhitespace: false);
        }
        catch (XmlException)
        {
            throw Malformed();
        }
    }

    private static LifecycleRule ParseRule(XElement rule, int index)
    {
        string? id = null, status = null, legacyPrefix = null;
        XElement? filter = null, expiration = null, noncurrentExpiration = null, abort = null;
        var transitions = new List<XElement>();
        var noncurrentTransitions = new List<XElement>();
        foreach (var e in rule.Elements())
        {
            switch (e.Name.LocalName)
            {
                case "ID": id = Once(id, e.Value); break;
                case "Status": status = Once(status, e.Value); break;
                case "Prefix": legacyPrefix = Once(legacyPrefix, e.Value); break;
                case "Filter": filter = Once(filter, e); break;
                case "Expiration": expiration = Once(expiration, e); break;
                case "Transition": transitions.Add(e); break;
                case "NoncurrentVersionTransition": noncurrentTransitions.Add(e); break;
                case "NoncurrentVersionExpiration": noncurrentExpiration = Once(noncurrentExpiration, e); break;
                case "AbortIncompleteMultipartUpload": abort = Once(abort, e); break;
                default: throw Malformed();
            }
        }

        if (id is { Length: > MaxIdLength })
            throw Invalid($"ID length should not exceed allowed limit of {MaxIdLength}");
        if (status is not ("Enabled" or "Disabled"))
            throw Malformed();
        if (filter is not null && legacyPrefix is not null)
            throw Malformed();
        if (filter is null && legacyPrefix is null)
            throw Malformed();

        var parsedFilter = filter is null ? LifecycleFilter.Everything with { Prefix = legacyPrefix! } : ParseFilter(filter);
        var parsedExpiration = expiration is null ? null : ParseExpiration(expiration);
        var parsedTransitions = transitions.Select(ParseTransition).ToList();
        var parsedNoncurrentTransitions = noncurrentTransitions.Select(ParseNoncurrentTransition).ToList();
        var parsedNoncurrentExpiration = noncurrentExpiration is null ? null : ParseNoncurrentExpiration(noncurrentExpiration);
        int? abortDays = abort is null ? null : ParseAbort(abort);

        var parsed = new LifecycleRule(
            string.IsNullOrEmpty(id) ? $"rule-{index + 1}" : id,
            status == "Enabled",
            parsedFilter,
            parsedExpiration,
            parsedTransitions,
            parsedNoncurrentTransitions,
            parsedNoncurrentExpiration,
            abortDays);
        ValidateRule(parsed);
        return parsed;
    }

    private static LifecycleFilter ParseFilter(XElement filter)
    {
        var children = filter.Elements().ToList();
        if (children.Count == 0)
            return LifecycleFilter.Everything;
        if (children.Count > 1)
            throw Malformed();
        var only = children[0];
        return only.Name.LocalName switch
        {
            "And" => ParseAnd(only),
            _ => ParsePredicate(LifecycleFilter.Everything, only),
        };
    }

    private static LifecycleFilter ParseAnd(XElement and)
    {
        var filter = LifecycleFilter.Everything;
        var sawPrefix = false;
        foreach (var e in and.Elements())
        {
            if (e.Name.LocalName == "Prefix")
            {
                if (sawPrefix) throw Malformed();
                sawPrefix = true;
            }
            if (e.Name.LocalName == "And")
                throw Malformed();
            filter = ParsePredicate(filter, e);
        }
        return filter;
    }

    private static LifecycleFilter ParsePredicate(LifecycleFilter filter, XElement e)
    {
        switch (e.Name.LocalName)
        {
            case "Prefix":
                return filter with { Prefix = e.Value };
            case "Tag":
            {
                var key = Child(e, "Key")?.Value;
                var value = Child(e, "Value")?.Value ?? "";
                if (string.IsNullOrEmpty(key) || e.Elements().Any(c => c.Name.LocalName is not ("Key" or "Value")))
                    throw Malformed();
                if (key.Length > 128 || value.Length > 256)
                    throw Invalid("The TagKey or TagValue you have provided is invalid");
                var tags = new Dictionary<string, string>(filter.Tags, StringComparer.Ordinal);
                if (!tags.TryAdd(key, value))
                    throw Invalid("Duplicate Tag Keys are not allowed.");
                return filter with { Tags = tags };
            }
            case "ObjectSizeGreaterThan":
                if (filter.SizeGreaterThan is not null) throw Malformed();
                return filter with { SizeGreaterThan = Long(e, "ObjectSizeGreaterThan") };
            case "ObjectSizeLessThan":
                if (filter.SizeLessThan is not null) throw Malformed();
                return filter with { SizeLessThan = Long(e, "ObjectSizeLessThan") };
            default:
                throw Malformed();
        }
    }

    private static ExpirationAction ParseExpiration(XElement e)
    {
        int? days = null;
        DateTimeOffset? date = null;
        bool? marker = null;
        foreach (var c in e.Elements())
        {
            switch (c.Name.LocalName)
            {
                case "Days": days = Once(days, Int(c)); break;
                case "Date": date = Once(date, MidnightDate(c)); break;
                case "ExpiredObjectDeleteMarker": marker = Once(marker, Bool(c)); break;
                default: throw Malformed();
            }
        }
        if (days is null && date is null && marker is null)
            throw Malformed();
        if (days is not null && date is not null)
            throw Malformed();
        if (marker is not null && (days is not null || date is not null))
            throw Invalid("ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.");
        if (days is <= 0)
            throw Invalid("'Days' for Expiration action must be a positive integer");
        return new ExpirationAction(days, date, marker ?? false);
    }

    private static TransitionAction ParseTransition(XElement e)
    {
        int? days = null;
        DateTimeOffset? date = null;
        string? storageClass = null;
        foreach (var c in e.Elements())
        {
            switch (c.Name.LocalName)
            {
                case "Days": days = Once(days, Int(c)); break;
                case "Date": date = Once(date, MidnightDate(c)); break;
                case "StorageClass": storageClass = Once(storageClass, c.Value); break;
                default: throw Malformed();
            }
        }
        if (storageClass is null || (days is null) == (date is null))
            throw Malformed();
        if (days is < 0)
            throw Invalid("'Days' in Transition action must be nonnegative");
        return new TransitionAction(days, date, TransitionClass(storageClass));
    }

    private static NoncurrentTransitionAction ParseNoncurrentTransition(XElement e)
    {
        int? days = null, newer = null;
        string? storageClass = null;
        foreach (var c in e.Elements())
        {
            switch (c.Name.LocalName)
            {
                case "NoncurrentDays": days = Once(days, Int(c)); break;
                case "StorageClass": storageClass = Once(storageClass, c.Value); break;
                case "NewerNoncurrentVersions": newer = Once(newer, Int(c)); break;
                default: throw Malformed();
            }
        }
        if (storageClass is null || days is null)
            throw Malformed();
        if (days < 0)
            throw Invalid("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative");
        CheckNewer(newer, "NoncurrentVersionTransition");
        return new NoncurrentTransitionAction(days.Value, TransitionClass(storageClass), newer);
    }

    private static NoncurrentExpirationAction ParseNoncurrentExpiration(XElement e)
    {
        int? days = null, newer = null;
        foreach (var c in e.Elements())
        {
            switch (c.Name.LocalName)
            {
                case "NoncurrentDays": days = Once(days, Int(c)); break;
                case "NewerNoncurrentVersions": newer = Once(newer, Int(c)); break;
                default: throw Malformed();
            }
        }
        if (days is null)
            throw Malformed();
        if (days <= 0)
            throw Invalid("'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
        CheckNewer(newer, "NoncurrentVersionExpiration");
        return new NoncurrentExpirationAction(days.Value, newer);
    }

    private static int ParseAbort(XElement e)
    {
        var children = e.Elements().ToList();
        if (children.Count != 1 || children[0].Name.LocalName != "DaysAfterInitiation")
            throw Malformed();
        var days = Int(children[0]);
        if (days <= 0)
            throw Invalid("'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
        return days;
    }

    private static void CheckNewer(int? newer, string action)
    {
        if (newer is < 1 or > 100)
            throw Invalid($"'NewerNoncurrentVersions' for {action} action must be a positive integer up to 100");
    }

    private static string TransitionClass(string value) =>
        StorageClasses.TransitionTargets.Contains(value)
            ? value
            : throw Invalid("'StorageClass' must be one of " + string.Join(", ", StorageClasses.TransitionTargets.Order(StringComparer.Ordinal)));

    private static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(c => c.Name.LocalName == name);

    private static T Once<T>(T? existing, T value) => existing is null ? value : throw Malformed();

    private static int Int(XElement e) =>
        int.TryParse(e.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Malformed();

    private static long Long(XElement e, string name)
    {
        if (!long.TryParse(e.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            throw Malformed();
        return n >= 0 ? n : throw Invalid($"'{name}' should be a non-negative integer");
    }

    private static bool Bool(XElement e) => e.Value.Trim() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Malformed(),
    };

    /// <summary>An ISO 8601 date that S3 accepts only at midnight UTC.</summary>
    private static DateTimeOffset MidnightDate(XElement e)
    {
        if (!DateTimeOffset.TryParse(e.Value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
            throw Invalid("Invalid date: '" + e.Value + "'");
        if (date.TimeOfDay != TimeSpan.Zero)
            throw Invalid("'Date' must be at midnight GMT");
        return date;
    }

    internal static LifecycleConfigurationException Malformed() =>
        new(LifecycleErrorKind.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema");

    internal static LifecycleConfigurationException Invalid(string message) => new(LifecycleErrorKind.InvalidArgument, message);

    internal static LifecycleConfigurationException InvalidRequest(string message) => new(LifecycleErrorKind.InvalidRequest, message);
}
