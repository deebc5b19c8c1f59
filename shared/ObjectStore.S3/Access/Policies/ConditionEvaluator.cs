using System.Globalization;
using System.Net;

namespace ObjectStore.S3.Access.Policies;

/// <summary>
/// One condition (operator, key, values) against the request's values of the key. Several policy values
/// are alternatives (any may match); a negated operator holds when none matches. A key absent from the
/// request fails a positive operator and satisfies a negated one, as IAM does; IfExists makes absence
/// pass; ForAllValues passes on an empty set, ForAnyValue fails on it.
/// </summary>
internal static class ConditionEvaluator
{
    public static bool Holds(PolicyCondition condition, IReadOnlyList<string> policyValues, IReadOnlyList<string>? requestValues)
    {
        var present = requestValues is { Count: > 0 };
        if (condition.Operator == "Null")
        {
            // "Null": "true" means the key must be absent.
            return policyValues.Any(v => bool.TryParse(v, out var wantAbsent) && wantAbsent == !present);
        }

        var (positive, negated) = PolicyParser.Operators[condition.Operator];
        if (!present)
        {
            return condition.Set switch
            {
                ConditionSet.ForAllValues => true,
                ConditionSet.ForAnyValue => false,
                _ => condition.IfExists || negated,
            };
        }

        bool Match(string actual)
        {
            var any = policyValues.Any(expected => Compare(positive, actual, expected));
            return negated ? !any : any;
        }

        return condition.Set switch
        {
            ConditionSet.ForAllValues => requestValues!.All(Match),
            ConditionSet.ForAnyValue => requestValues!.Any(Match),
            // A single-valued operator over several request values: negated forms demand no value match.
            _ => negated ? requestValues!.All(Match) : requestValues!.Any(Match),
        };
    }

    private static bool Compare(string op, string actual, string expected) => op switch
    {
        "StringEquals" => string.Equals(actual, expected, StringComparison.Ordinal),
        "StringEqualsIgnoreCase" => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase),
        "StringLike" => Wildcard.IsMatch(expected, actual),
        "ArnLike" => Wildcard.IsMatch(expected, actual),
        "Bool" => string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase),
        "IpAddress" => IPAddress.TryParse(actual, out var ip) && IpRange.TryParse(expected, out var range) && range.Contains(ip),
        "NumericEquals" => Numeric(actual, expected) is { } c1 && c1 == 0,
        "NumericLessThan" => Numeric(actual, expected) is { } c2 && c2 < 0,
        "NumericLessThanEquals" => Numeric(actual, expected) is { } c3 && c3 <= 0,
        "NumericGreaterThan" => Numeric(actual, expected) is { } c4 && c4 > 0,
        "NumericGreaterThanEquals" => Numeric(actual, expected) is { } c5 && c5 >= 0,
        "DateEquals" => Date(actual, expected) is { } d1 && d1 == 0,
        "DateLessThan" => Date(actual, expected) is { } d2 && d2 < 0,
        "DateLessThanEquals" => Date(actual, expected) is { } d3 && d3 <= 0,
        "DateGreaterThan" => Date(actual, expected) is { } d4 && d4 > 0,
        "DateGreaterThanEquals" => Date(actual, expected) is { } d5 && d5 >= 0,
        _ => false,
    };

    private static int? Numeric(string actual, string expected) =>
        decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && decimal.TryParse(expected, NumberStyles.Float, CultureInfo.InvariantCulture, out var e)
            ? a.CompareTo(e)
            : null;

    private static int? Date(string actual, string expected) =>
        PolicyParser.TryParseDate(actual, out var a) && PolicyParser.TryParseDate(expected, out var e) ? a.CompareTo(e) : null;
}
