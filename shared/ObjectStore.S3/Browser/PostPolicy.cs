using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ObjectStore.S3.Browser;

/// <summary>The kinds of condition a POST policy may state.</summary>
internal enum PostConditionKind { Equals, StartsWith, ContentLengthRange }

/// <summary>
/// One condition of a POST policy: a form field (lower case, without the '$') equal to or starting with
/// a value, or the file's size within [Min, Max].
/// </summary>
internal sealed record PostCondition(PostConditionKind Kind, string Field, string Value, long Min = 0, long Max = 0)
{
    /// <summary>The condition as S3 quotes it in "Policy Condition failed" messages.</summary>
    public override string ToString() => Kind switch
    {
        PostConditionKind.Equals => $"[\"eq\", \"${Field}\", \"{Value}\"]",
        PostConditionKind.StartsWith => $"[\"starts-with\", \"${Field}\", \"{Value}\"]",
        _ => $"[\"content-length-range\", {Min}, {Max}]",
    };
}

/// <summary>
/// A browser-upload (POST) policy: the base64 JSON document with <c>expiration</c> and
/// <c>conditions</c> that the form's signature covers. Parsing and checking are pure; the handler
/// turns the error strings into S3 errors (InvalidPolicyDocument, AccessDenied).
/// </summary>
internal sealed partial record PostPolicy(DateTimeOffset Expiration, IReadOnlyList<PostCondition> Conditions)
{
    /// <summary>S3 refuses larger policy documents.</summary>
    public const int MaxPolicyBytes = 20 * 1024;

    /// <summary>The content-length-range condition (the last one wins), or null when the policy has none.</summary>
    public (long Min, long Max)? ContentLengthRange =>
        Conditions.LastOrDefault(c => c.Kind == PostConditionKind.ContentLengthRange) is { } range ? (range.Min, range.Max) : null;

    /// <summary>Decodes and parses the <c>policy</c> form field; on failure returns false and an S3 message.</summary>
    public static bool TryParse(string base64, out PostPolicy? policy, out string? error)
    {
        policy = null;
        byte[] json;
        try
        {
            json = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            error = "Invalid Policy: Invalid Base64 Encoding.";
            return false;
        }
        if (json.Length > MaxPolicyBytes)
        {
            error = "Invalid Policy: Policy document is too large.";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return TryParse(document.RootElement, out policy, out error);
        }
        catch (JsonException)
        {
            error = "Invalid Policy: Invalid JSON.";
            return false;
        }
    }

    private static bool TryParse(JsonElement root, out PostPolicy? policy, out string? error)
    {
        policy = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "Invalid Policy: Invalid JSON.";
            return false;
        }
        if (!root.TryGetProperty("expiration", out var expirationElement))
        {
            error = "Invalid Policy: Policy missing expiration.";
            return false;
        }
        if (expirationElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(expirationElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expiration))
        {
            error = $"Invalid Policy: Invalid 'expiration' value: '{expirationElement}'";
            return false;
        }
        if (!root.TryGetProperty("conditions", out var conditionsElement))
        {
            error = "Invalid Policy: Policy missing conditions.";
            return false;
        }
        if (conditionsElement.ValueKind != JsonValueKind.Array)
        {
            error = "Invalid Policy: Invalid 'conditions' value.";
            return false;
        }

        var conditions = new List<PostCondition>();
        foreach (var item in conditionsElement.EnumerateArray())
        {
            if (!TryParseCondition(item, conditions, out error))
                return false;
        }
        policy = new PostPolicy(expiration, conditions);
        error = null;
        return true;
    }

    /// <summary>One condition: <c>{"field": "value"}</c>, <c>["eq"|"starts-with", "$field", "value"]</c> or <c>["content-length-range", min, max]</c>.</summary>
    private static bool TryParseCondition(JsonElement item, List<PostCondition> conditions, out string? error)
    {
        error = null;
        if (item.ValueKind == JsonValueKind.Object)
        {
            var any = false;
            foreach (var property in item.EnumerateObject())
            {
                if (Scalar(property.Value) is not { } value)
                {
                    error = $"Invalid Policy: Invalid Simple-Condition: value must be a string.";
                    return false;
                }
                conditions.Add(new PostCondition(PostConditionKind.Equals, property.Name.ToLowerInvariant(), value));
                any = true;
            }
            if (!any)
                error = "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.";
            return any;
        }

        var parts = item.ValueKind == JsonValueKind.Array ? item.EnumerateArray().ToList() : [];
        if (parts.Count != 3 || parts[0].ValueKind != JsonValueKind.String)
        {
            error = $"Invalid Policy: Invalid Condition: {item.GetRawText()}";
            return false;
        }

        var operation = parts[0].GetString()!.ToLowerInvariant();
        if (operation == "content-length-range")
        {
            if (Number(parts[1]) is not { } min || Number(parts[2]) is not { } max || min < 0 || max < min)
            {
                error = $"Invalid Policy: Invalid content-length-range Condition: {item.GetRawText()}";
                return false;
            }
            conditions.Add(new PostCondition(PostConditionKind.ContentLengthRange, "content-length", "", min, max));
            return true;
        }

        var kind = operation switch
        {
            "eq" => PostConditionKind.Equals,
            "starts-with" => PostConditionKind.StartsWith,
            _ => (PostConditionKind?)null,
        };
        var field = parts[1].ValueKind == JsonValueKind.String ? parts[1].GetString()! : "";
        if (kind is null)
        {
            error = $"Invalid Policy: Invalid Condition: unknown operation '{parts[0].GetString()}'.";
            return false;
        }
        if (field.Length < 2 || field[0] != '$' || Scalar(parts[2]) is not { } expected)
        {
            error = $"Invalid Policy: Invalid {operation} Condition: {item.GetRawText()}";
            return false;
        }
        conditions.Add(new PostCondition(kind.Value, field[1..].ToLowerInvariant(), expected));
        return true;
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    private static long? Number(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var n) => n,
        JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>The message of a refusal, with S3's prefix.</summary>
    internal static string Refusal(string reason) => new StringBuilder("Invalid according to Policy: ").Append(reason).ToString();
}
