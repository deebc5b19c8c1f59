namespace ObjectStore.S3.Access.Policies;

public enum PolicyEffect { Allow, Deny }

/// <summary>Where a document is attached: identity policies name no principal, bucket policies must.</summary>
public enum PolicyKind { Identity, Bucket }

/// <summary>A parsed IAM policy document (identity or bucket policy). Built only by <see cref="PolicyParser"/>.</summary>
/// <param name="Version">"2012-10-17" (policy variables expand), "2008-10-17", or null.</param>
public sealed record PolicyDocument(string? Version, IReadOnlyList<PolicyStatement> Statements)
{
    /// <summary>Policy variables (<c>${aws:username}</c>) expand only in version 2012-10-17 documents, as in IAM.</summary>
    public bool ExpandsVariables => Version == PolicyParser.CurrentVersion;

    /// <summary>Every condition key any statement tests (lower case), to fetch costly values only when used.</summary>
    public IEnumerable<string> ConditionKeys => Statements.SelectMany(s => s.Conditions).Select(c => c.Key);
}

/// <param name="Principals">Principal values (<c>*</c>, or "AWS:arn"/"Service:name" ...); null when the statement has none.</param>
/// <param name="NotPrincipal">The statement used NotPrincipal: it applies to everyone except <paramref name="Principals"/>.</param>
/// <param name="Actions">Action patterns ("s3:Get*"), lower case.</param>
/// <param name="NotAction">Applies to every action except <paramref name="Actions"/>.</param>
/// <param name="Resources">Resource ARN patterns (<c>*</c> and <c>?</c> wildcards).</param>
/// <param name="NotResource">Applies to every resource except <paramref name="Resources"/>.</param>
public sealed record PolicyStatement(
    string? Sid,
    PolicyEffect Effect,
    IReadOnlyList<string>? Principals,
    bool NotPrincipal,
    IReadOnlyList<string> Actions,
    bool NotAction,
    IReadOnlyList<string> Resources,
    bool NotResource,
    IReadOnlyList<PolicyCondition> Conditions);

/// <summary>How a condition compares a multi-valued key.</summary>
public enum ConditionSet { Single, ForAnyValue, ForAllValues }

/// <param name="Operator">The operator without IfExists and set prefix, e.g. "StringNotLike".</param>
/// <param name="Key">The condition key, lower case ("aws:sourceip", "s3:existingobjecttag/team").</param>
/// <param name="Values">The policy's values, any of which may match.</param>
public sealed record PolicyCondition(string Operator, ConditionSet Set, bool IfExists, string Key, IReadOnlyList<string> Values);
