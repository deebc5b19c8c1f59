using System.Globalization;
using System.Text.Json;

namespace ObjectStore.S3.Access.Policies;

/// <summary>
/// Parses and validates IAM policy JSON. Refusals carry the message S3 gives with MalformedPolicy
/// (or IAM with MalformedPolicyDocument): the caller turns them into that error.
/// </summary>
public static partial class PolicyParser
{
    public const string CurrentVersion = "2012-10-17";
    private const string OldVersion = "2008-10-17";
    private const string S3ArnPrefix = "arn:aws:s3:::";

    /// <summary>Largest bucket policy S3 accepts (20 KB).</summary>
    public const int MaxBucketPolicyLength = 20 * 1024;

    /// <param name="bucket">For bucket policies: every resource must lie in this bucket.</param>
    public static bool TryParse(string json, PolicyKind kind, string? bucket, out PolicyDocument? document, out string? error)
    {
        document = null;
        try
        {
            document = Parse(json, kind, bucket);
            error = null;
            return true;
        }
        catch (PolicyFormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Parses a document already validated when it was stored; throws <see cref="FormatException"/> if it is not valid any more.</summary>
    public static PolicyDocument ParseStored(string json, PolicyKind kind, string? bucket) =>
        TryParse(json, kind, bucket, out var document, out var error) ? document! : throw new FormatException("A stored policy is invalid: " + error);

    private static PolicyDocument Parse(string json, PolicyKind kind, string? bucket)
    {
        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new PolicyFormatException("This policy contains invalid Json");
        }

        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new PolicyFormatException("This policy contains invalid Json");
            string? version = null;
            JsonElement? statements = null;
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        version = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                        if (version is not (CurrentVersion or OldVersion))
                            throw new PolicyFormatException("The policy must contain a valid version string");
                        break;
                    case "Id":
                        if (property.Value.ValueKind != JsonValueKind.String)
                            throw new PolicyFormatException("Policy has an invalid Id");
                        break;
                    case "Statement":
                        statements = property.Value;
                        break;
                    default:
                        throw new PolicyFormatException($"Unknown field {property.Name}");
                }
            }

            if (statements is not { } list || list.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                throw new PolicyFormatException("Missing required field Statement");
            var parsedStatements = list.ValueKind == JsonValueKind.Object
                ? [ParseStatement(list, kind, bucket)]
                : list.EnumerateArray().Select(s => ParseStatement(s, kind, bucket)).ToList();
            if (parsedStatements.Count == 0)
                throw new PolicyFormatException("Missing required field Statement");
            return new PolicyDocument(version, parsedStatements);
        }
    }

    private static PolicyStatement ParseStatement(JsonElement statement, PolicyKind kind, string? bucket)
    {
        if (statement.ValueKind != JsonValueKind.Object)
            throw new PolicyFormatException("Statement is not an object");
        string? sid = null;
        PolicyEffect? effect = null;
        List<string>? principals = null, actions = null, resources = null;
        bool notPrincipal = false, notAction = false, notResource = false;
        var conditions = new List<PolicyCondition>();
        foreach (var property in statement.EnumerateObject())
        {
            switch (property.Name)
            {
                case "Sid":
                    sid = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw new PolicyFormatException("Statement has an invalid Sid");
                    break;
                case "Effect":
                    var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.ToString();
                    effect = text switch
                    {
                        "Allow" => PolicyEffect.Allow,
                        "Deny" => PolicyEffect.Deny,
                        _ => throw new PolicyFormatException($"Invalid effect: {text}"),
                    };
                    break;
                case "Principal" or "NotPrincipal":
                    if (principals is not null)
                        throw new PolicyFormatException("Statement cannot have both Principal and NotPrincipal");
                    principals = ParsePrincipals(property.Value);
                    notPrincipal = property.Name == "NotPrincipal";
                    break;
                case "Action" or "NotAction":
                    if (actions is not null)
                        throw new PolicyFormatException("Statement cannot have both Action and NotAction");
                    actions = Strings(property.Value, "Policy has invalid action").Select(a => ValidateAction(a, kind)).ToList();
                    notAction = property.Name == "NotAction";
                    break;
                case "Resource" or "NotResource":
                    if (resources is not null)
                        throw new PolicyFormatException("Statement cannot have both Resource and NotResource");
                    resources = Strings(property.Value, "Policy has invalid resource").Select(r => ValidateResource(r, kind, bucket)).ToList();
                    notResource = property.Name == "NotResource";
                    break;
                case "Condition":
                    conditions.AddRange(ParseConditions(property.Value));
                    break;
                default:
                    throw new PolicyFormatException($"Unknown field {property.Name}");
            }
        }

        if (effect is null) throw new PolicyFormatException("Missing required field Effect");
        if (actions is null) throw new PolicyFormatException("Missing required field Action");
        if (resources is null) throw new PolicyFormatException("Missing required field Resource");
        if (kind == PolicyKind.Bucket && principals is null)
            throw new PolicyFormatException("Missing required field Principal");
        if (kind == PolicyKind.Identity && principals is not null)
            throw new PolicyFormatException("Policy document should not specify a principal.");
        return new PolicyStatement(sid, effect.Value, principals, notPrincipal, actions, notAction, resources, notResource, conditions);
    }

    /// <summary>"*", or an object of principal types to one value or a list: "AWS:value", "Service:value" ...</summary>
    private static List<string> ParsePrincipals(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString() == "*" ? ["*"] : throw new PolicyFormatException("Invalid principal in policy");
        if (value.ValueKind != JsonValueKind.Object)
            throw new PolicyFormatException("Invalid principal in policy");
        var result = new List<string>();
        foreach (var type in value.EnumerateObject())
        {
            if (type.Name is not ("AWS" or "Service" or "CanonicalUser" or "Federated"))
                throw new PolicyFormatException("Invalid principal in policy");
            foreach (var principal in Strings(type.Value, "Invalid principal in policy"))
            {
                if (type.Name == "AWS" && !IsValidAwsPrincipal(principal))
                    throw new PolicyFormatException("Invalid principal in policy");
                result.Add(type.Name == "AWS" && principal == "*" ? "*" : type.Name + ":" + principal);
            }
        }
        return result.Count > 0 ? result : throw new PolicyFormatException("Invalid principal in policy");
    }

    private static bool IsValidAwsPrincipal(string principal) =>
        principal == "*"
        || (principal.Length == 12 && principal.All(char.IsAsciiDigit))
        || (principal.StartsWith("arn:aws:iam::", StringComparison.Ordinal) && principal.Split(':').Length == 6 && !principal.Contains('*', StringComparison.Ordinal));

    private static string ValidateAction(string action, PolicyKind kind)
    {
        if (action == "*")
            return action;
        var colon = action.IndexOf(':');
        if (colon <= 0 || colon == action.Length - 1 || action.IndexOf(':', colon + 1) >= 0
            || !action.AsSpan(0, colon).ContainsAnyExcept(" "))
            throw new PolicyFormatException("Policy has invalid action");
        var lower = action.ToLowerInvariant();
        // A bucket policy only governs S3, and each pattern must name at least one real S3 action.
        if (kind == PolicyKind.Bucket && (!lower.StartsWith("s3:", StringComparison.Ordinal) || !S3Actions.All.Any(a => Wildcard.IsMatch(lower, a, ignoreCase: true))))
            throw new PolicyFormatException("Policy has invalid action");
        return lower;
    }

    private static string ValidateResource(string resource, PolicyKind kind, string? bucket)
    {
        if (resource == "*")
            return resource;
        var parts = resource.Split(':', 6);
        if (parts.Length < 6 || parts[0] != "arn" || parts[1].Length == 0 || parts[2].Length == 0)
            throw new PolicyFormatException("Policy has invalid resource");
        if (kind == PolicyKind.Bucket)
        {
            if (!resource.StartsWith(S3ArnPrefix, StringComparison.Ordinal) || bucket is null)
                throw new PolicyFormatException("Policy has invalid resource");
            var path = resource[S3ArnPrefix.Length..];
            var slash = path.IndexOf('/');
            var bucketPattern = slash < 0 ? path : path[..slash];
            // The resource must be able to name this bucket (or objects in it).
            if (bucketPattern.Length == 0 || !Wildcard.IsMatch(bucketPattern, bucket) && !(slash < 0 && Wildcard.IsMatch(path, bucket + "/")))
                throw new PolicyFormatException("Policy has invalid resource");
        }
        return resource;
    }

    /// <summary>A string or a non-empty array of strings.</summary>
    private static List<string> Strings(JsonElement value, string error)
    {
        if (value.ValueKind == JsonValueKind.String)
            return [value.GetString()!];
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw new PolicyFormatException(error);
        return value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new PolicyFormatException(error)).ToList();
    }

    /// <summary>Condition values may be strings, numbers or booleans in JSON; all compare as text.</summary>
    private static List<string> ConditionValues(JsonElement value)
    {
        static string One(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number => e.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => throw new PolicyFormatException("Invalid condition value"),
        };
        if (value.ValueKind == JsonValueKind.Array)
            return value.GetArrayLength() > 0 ? value.EnumerateArray().Select(One).ToList() : throw new PolicyFormatException("Invalid condition value");
        return [One(value)];
    }

    internal static string FormatInvariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A policy refusal, with the message the client sees.</summary>
internal sealed class PolicyFormatException(string message) : Exception(message);
