using System.Text;
using ObjectStore.Objects.Identity;

namespace ObjectStore.S3.Access.Policies;

/// <summary>
/// Who a request is evaluated for. Users map to <c>arn:aws:iam::{account}:user/{name}</c>; the root
/// key to <c>arn:aws:iam::{account}:root</c> (a bucket policy may also name the account id alone).
/// </summary>
public sealed record PolicyPrincipal(PrincipalKind Kind, string AccountId, string? UserName = null, string? UserId = null)
{
    public string Arn => Kind switch
    {
        PrincipalKind.User => $"arn:aws:iam::{AccountId}:user/{UserName}",
        PrincipalKind.Root => $"arn:aws:iam::{AccountId}:root",
        _ => "*",
    };

    public static string UserArn(string accountId, string userName) => IdentityService.UserArn(accountId, userName);
}

/// <summary>One authorization question: may <see cref="Principal"/> do <see cref="Action"/> on <see cref="Resource"/>?</summary>
/// <param name="Action">The IAM action, e.g. "s3:GetObject" (compared case-insensitively).</param>
/// <param name="Resource">The resource ARN, e.g. "arn:aws:s3:::bucket/key".</param>
/// <param name="ConditionValues">Values of a condition key (lower-case name) in this request; null when absent.</param>
public sealed record PolicyRequest(string Action, string Resource, PolicyPrincipal Principal, Func<string, IReadOnlyList<string>?> ConditionValues);

/// <summary>Implicit: no statement applies (which denies, unless another policy allows).</summary>
public enum PolicyDecision { Implicit, Allow, Deny }

/// <summary>IAM evaluation of one document: an applicable Deny wins over any Allow; nothing applicable is Implicit.</summary>
public static class PolicyEvaluator
{
    /// <param name="statementFilter">Skips statements (e.g. public ones a public access block neutralizes); null: none skipped.</param>
    public static PolicyDecision Evaluate(PolicyDocument document, PolicyRequest request, Func<PolicyStatement, bool>? statementFilter = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(request);
        var decision = PolicyDecision.Implicit;
        foreach (var statement in document.Statements)
        {
            if (statementFilter is not null && !statementFilter(statement))
                continue;
            if (!Applies(document, statement, request))
                continue;
            if (statement.Effect == PolicyEffect.Deny)
                return PolicyDecision.Deny;
            decision = PolicyDecision.Allow;
        }
        return decision;
    }

    /// <summary>Several policies together: any Deny wins, then any Allow; otherwise Implicit.</summary>
    public static PolicyDecision Combine(IEnumerable<PolicyDecision> decisions)
    {
        var result = PolicyDecision.Implicit;
        foreach (var d in decisions)
        {
            if (d == PolicyDecision.Deny) return PolicyDecision.Deny;
            if (d == PolicyDecision.Allow) result = PolicyDecision.Allow;
        }
        return result;
    }

    private static bool Applies(PolicyDocument document, PolicyStatement statement, PolicyRequest request)
    {
        if (statement.Principals is { } principals && PrincipalMatches(principals, request.Principal) == statement.NotPrincipal)
            return false;
        var action = request.Action.ToLowerInvariant();
        if (statement.Actions.Any(a => Wildcard.IsMatch(a, action, ignoreCase: true)) == statement.NotAction)
            return false;
        var resourceMatch = statement.Resources.Any(r => Expand(document, r, request, out var pattern) && Wildcard.IsMatch(pattern, request.Resource));
        if (resourceMatch == statement.NotResource)
            return false;
        foreach (var condition in statement.Conditions)
        {
            var values = document.ExpandsVariables ? ExpandValues(document, condition.Values, request) : condition.Values;
            if (!ConditionEvaluator.Holds(condition, values, request.ConditionValues(condition.Key)))
                return false;
        }
        return true;
    }

    /// <summary>Principal entries: "*", "AWS:{account id}", "AWS:arn:aws:iam::{account}:root", "AWS:arn:aws:iam::{account}:user/{name}".</summary>
    public static bool PrincipalMatches(IReadOnlyList<string> principals, PolicyPrincipal principal)
    {
        foreach (var entry in principals)
        {
            if (entry == "*")
                return true;
            if (!entry.StartsWith("AWS:", StringComparison.Ordinal) || principal.Kind == PrincipalKind.Anonymous)
                continue;
            var value = entry[4..];
            if (principal.Kind == PrincipalKind.Root && (value == principal.AccountId || value == principal.Arn))
                return true;
            if (principal.Kind == PrincipalKind.User && value == principal.Arn)
                return true;
        }
        return false;
    }

    private static List<string> ExpandValues(PolicyDocument document, IReadOnlyList<string> values, PolicyRequest request)
    {
        var result = new List<string>(values.Count);
        foreach (var v in values)
            if (Expand(document, v, request, out var expanded))
                result.Add(expanded);
        return result;
    }

    /// <summary>
    /// Replaces policy variables (<c>${aws:username}</c>, <c>${*}</c>, <c>${?}</c>, <c>${$}</c>) in 2012-10-17
    /// documents; false when a variable has no value in this request (the pattern then matches nothing).
    /// </summary>
    private static bool Expand(PolicyDocument document, string pattern, PolicyRequest request, out string expanded)
    {
        expanded = pattern;
        if (!document.ExpandsVariables || !pattern.Contains("${", StringComparison.Ordinal))
            return true;
        var text = new StringBuilder(pattern.Length);
        var i = 0;
        while (i < pattern.Length)
        {
            var start = pattern.IndexOf("${", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : pattern.IndexOf('}', start);
            if (start < 0 || end < 0)
            {
                text.Append(pattern, i, pattern.Length - i);
                break;
            }
            text.Append(pattern, i, start - i);
            var name = pattern[(start + 2)..end];
            if (name is "*" or "?" or "$")
                text.Append(name);
            else if (request.ConditionValues(name.ToLowerInvariant()) is [var single])
                text.Append(single);
            else
                return false;
            i = end + 1;
        }
        expanded = text.ToString();
        return true;
    }
}
