namespace ObjectStore.S3.Access.Policies;

/// <summary>
/// S3's meaning of a "public" bucket policy: an Allow statement that grants to everyone (Principal
/// "*", or any NotPrincipal) without a condition pinning the caller to fixed values. Conditions that
/// restrict: aws:SourceIp to a block no wider than /8 (IPv4) or /32 (IPv6), and fixed (wildcard-free)
/// values of aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
/// aws:PrincipalOrgID, aws:PrincipalAccount, aws:userid, aws:username.
/// </summary>
public static class PublicPolicy
{
    private static readonly HashSet<string> FixingKeys = new(StringComparer.Ordinal)
    {
        "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner", "aws:sourceaccount",
        "aws:principalorgid", "aws:principalaccount", "aws:userid", "aws:username",
    };

    public static bool IsPublic(PolicyDocument document) => document.Statements.Any(IsPublic);

    public static bool IsPublic(PolicyStatement statement)
    {
        if (statement.Effect != PolicyEffect.Allow || statement.Principals is not { } principals)
            return false;
        var everyone = statement.NotPrincipal || principals.Contains("*");
        if (!everyone)
            return false;
        return !statement.Conditions.Any(Restricts);
    }

    private static bool Restricts(PolicyCondition condition)
    {
        if (condition.IfExists || condition.Set == ConditionSet.ForAllValues)
            return false;
        var (positive, negated) = PolicyParser.Operators[condition.Operator];
        if (negated)
            return false;
        if (condition.Key == "aws:sourceip")
            return positive == "IpAddress" && condition.Values.All(v => IpRange.TryParse(v, out var r) && r.PrefixLength >= (r.AddressBits == 32 ? 8 : 32));
        if (!FixingKeys.Contains(condition.Key))
            return false;
        return positive is "StringEquals" or "StringEqualsIgnoreCase" or "ArnLike" or "StringLike"
            && condition.Values.All(v => v.IndexOfAny(['*', '?']) < 0 && !v.Contains("${", StringComparison.Ordinal));
    }
}
