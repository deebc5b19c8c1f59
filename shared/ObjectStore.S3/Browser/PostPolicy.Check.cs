namespace ObjectStore.S3.Browser;

internal sealed partial record PostPolicy
{
    /// <summary>
    /// Form fields a policy need not name: the signature (SigV4's x-amz-signature; V2's signature and
    /// AWSAccessKeyId, which S3 exempts the same way), the file, the policy itself and x-ignore-*.
    /// </summary>
    public static bool IsExempt(string field) =>
        field is "x-amz-signature" or "signature" or "awsaccesskeyid" or "file" or "policy" || field.StartsWith("x-ignore-", StringComparison.Ordinal);

    /// <summary>
    /// Checks the form against the policy at <paramref name="now"/>: not expired, every condition holds
    /// (<c>$bucket</c> is the addressed bucket), and every form field is named by some condition. The size
    /// range is left to the upload (<see cref="ContentLengthRange"/>). Returns null when the form may pass,
    /// else the AccessDenied message S3 gives.
    /// </summary>
    /// <param name="fields">The form fields before the file, names lower case; <c>key</c> with <c>${filename}</c> already substituted.</param>
    public string? Check(IReadOnlyDictionary<string, string> fields, string bucket, DateTimeOffset now)
    {
        if (now >= Expiration)
            return Refusal("Policy expired.");

        foreach (var condition in Conditions)
        {
            if (condition.Kind == PostConditionKind.ContentLengthRange)
                continue;
            var actual = condition.Field == "bucket" ? bucket : fields.TryGetValue(condition.Field, out var value) ? value : null;
            if (!Holds(condition, actual))
                return Refusal("Policy Condition failed: " + condition);
        }

        var named = Conditions.Select(c => c.Field).ToHashSet(StringComparer.Ordinal);
        var extra = fields.Keys.Where(f => !IsExempt(f) && !named.Contains(f)).Order(StringComparer.Ordinal).ToList();
        return extra.Count == 0 ? null : Refusal("Extra input fields: " + string.Join(", ", extra));
    }

    /// <summary>
    /// eq: the exact value (an absent field only equals ""); starts-with: the prefix ("" matches anything,
    /// absent included); a Content-Type list separated by commas must match in every entry.
    /// </summary>
    private static bool Holds(PostCondition condition, string? actual)
    {
        if (condition.Kind == PostConditionKind.Equals)
            return string.Equals(actual ?? "", condition.Value, StringComparison.Ordinal);
        if (condition.Value.Length == 0)
            return true;
        if (actual is null)
            return false;
        if (condition.Field == "content-type" && actual.Contains(','))
            return actual.Split(',', StringSplitOptions.TrimEntries).All(v => v.StartsWith(condition.Value, StringComparison.Ordinal));
        return actual.StartsWith(condition.Value, StringComparison.Ordinal);
    }
}
