using System.Globalization;
using System.Text.Json;

namespace ObjectStore.S3.Access.Policies;

public static partial class PolicyParser
{
    /// <summary>Condition operators (without IfExists), and which of them are negated forms of another.</summary>
    internal static readonly Dictionary<string, (string Positive, bool Negated)> Operators = new(StringComparer.Ordinal)
    {
        ["StringEquals"] = ("StringEquals", false),
        ["StringNotEquals"] = ("StringEquals", true),
        ["StringEqualsIgnoreCase"] = ("StringEqualsIgnoreCase", false),
        ["StringNotEqualsIgnoreCase"] = ("StringEqualsIgnoreCase", true),
        ["StringLike"] = ("StringLike", false),
        ["StringNotLike"] = ("StringLike", true),
        ["NumericEquals"] = ("NumericEquals", false),
        ["NumericNotEquals"] = ("NumericEquals", true),
        ["NumericLessThan"] = ("NumericLessThan", false),
        ["NumericLessThanEquals"] = ("NumericLessThanEquals", false),
        ["NumericGreaterThan"] = ("NumericGreaterThan", false),
        ["NumericGreaterThanEquals"] = ("NumericGreaterThanEquals", false),
        ["DateEquals"] = ("DateEquals", false),
        ["DateNotEquals"] = ("DateEquals", true),
        ["DateLessThan"] = ("DateLessThan", false),
        ["DateLessThanEquals"] = ("DateLessThanEquals", false),
        ["DateGreaterThan"] = ("DateGreaterThan", false),
        ["DateGreaterThanEquals"] = ("DateGreaterThanEquals", false),
        ["Bool"] = ("Bool", false),
        ["IpAddress"] = ("IpAddress", false),
        ["NotIpAddress"] = ("IpAddress", true),
        ["ArnEquals"] = ("ArnLike", false),
        ["ArnLike"] = ("ArnLike", false),
        ["ArnNotEquals"] = ("ArnLike", true),
        ["ArnNotLike"] = ("ArnLike", true),
        ["Null"] = ("Null", false),
    };

    private static IEnumerable<PolicyCondition> ParseConditions(JsonElement block)
    {
        if (block.ValueKind != JsonValueKind.Object)
            throw new PolicyFormatException("Condition is not an object");
        var result = new List<PolicyCondition>();
        foreach (var op in block.EnumerateObject())
        {
            var name = op.Name;
            var set = ConditionSet.Single;
            if (name.StartsWith("ForAnyValue:", StringComparison.Ordinal)) { set = ConditionSet.ForAnyValue; name = name["ForAnyValue:".Length..]; }
            else if (name.StartsWith("ForAllValues:", StringComparison.Ordinal)) { set = ConditionSet.ForAllValues; name = name["ForAllValues:".Length..]; }
            var ifExists = name.EndsWith("IfExists", StringComparison.Ordinal) && name != "IfExists";
            if (ifExists) name = name[..^"IfExists".Length];
            if (!Operators.ContainsKey(name) || (ifExists && name == "Null"))
                throw new PolicyFormatException($"Invalid Condition type : {op.Name}");
            if (op.Value.ValueKind != JsonValueKind.Object)
                throw new PolicyFormatException($"Invalid Condition type : {op.Name}");
            foreach (var key in op.Value.EnumerateObject())
            {
                if (key.Name.Length == 0 || key.Name.IndexOf(':') <= 0)
                    throw new PolicyFormatException("Policy has an invalid condition key");
                var values = ConditionValues(key.Value);
                foreach (var value in values)
                    ValidateConditionValue(name, value);
                result.Add(new PolicyCondition(name, set, ifExists, key.Name.ToLowerInvariant(), values));
            }
        }
        return result;
    }

    private static void ValidateConditionValue(string op, string value)
    {
        var positive = Operators[op].Positive;
        var valid = positive switch
        {
            "IpAddress" => IpRange.TryParse(value, out _),
            "Bool" or "Null" => value.Equals("true", StringComparison.OrdinalIgnoreCase) || value.Equals("false", StringComparison.OrdinalIgnoreCase),
            _ when positive.StartsWith("Numeric", StringComparison.Ordinal) => decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ when positive.StartsWith("Date", StringComparison.Ordinal) => TryParseDate(value, out _),
            _ => true,
        };
        if (!valid)
            throw new PolicyFormatException($"Invalid value for condition {op}: {value}");
    }

    /// <summary>ISO 8601 (2026-01-01, 2026-01-01T00:00:00Z) or epoch seconds, as IAM accepts.</summary>
    internal static bool TryParseDate(string value, out DateTimeOffset date)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            date = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(epoch, 0, 253402300799));
            return true;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
    }
}
