using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3;

/// <summary>
/// The ACL request headers: <c>x-amz-acl</c> (a canned ACL) or the <c>x-amz-grant-*</c> headers, each a
/// comma-separated list of <c>id="canonical user"</c> or <c>uri="group"</c> grantees. Both kinds at once,
/// a canned name S3 does not know, or a malformed grantee are InvalidArgument / InvalidRequest; a grantee
/// by <c>emailAddress=</c> is UnresolvableGrantByEmailAddress (there are no e-mail accounts here).
/// </summary>
internal static class AclHeaders
{
    public const string CannedHeader = "x-amz-acl";

    private static readonly (string Header, AclPermission Permission)[] GrantHeaders =
    [
        ("x-amz-grant-read", AclPermission.Read),
        ("x-amz-grant-write", AclPermission.Write),
        ("x-amz-grant-read-acp", AclPermission.ReadAcp),
        ("x-amz-grant-write-acp", AclPermission.WriteAcp),
        ("x-amz-grant-full-control", AclPermission.FullControl),
    ];

    /// <summary>True when the request carries any ACL header.</summary>
    public static bool Present(IHeaderDictionary headers) =>
        headers.ContainsKey(CannedHeader) || GrantHeaders.Any(h => headers.ContainsKey(h.Header));

    /// <summary>The ACL the headers ask for, or null when they name none.</summary>
    public static AclRequest? Parse(IHeaderDictionary headers)
    {
        var canned = headers.TryGetValue(CannedHeader, out var cannedValues) ? cannedValues.ToString().Trim() : null;
        var grants = new List<AclGrant>();
        var anyGrantHeader = false;
        foreach (var (header, permission) in GrantHeaders)
        {
            if (!headers.TryGetValue(header, out var values))
                continue;
            anyGrantHeader = true;
            foreach (var grantee in SplitGrantees(values.ToString()))
                grants.Add(ParseGrantee(header, grantee, permission));
        }
        if (canned is not null && anyGrantHeader)
            throw new S3Exception(S3Errors.InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed");
        if (canned is not null)
            return AccessControlList.CannedNames.Contains(canned, StringComparer.Ordinal) ? AclRequest.Of(canned) : throw AclRules.InvalidCanned(canned);
        return anyGrantHeader ? new AclRequest(null, grants) : null;
    }

    /// <summary>Splits on commas outside quotes.</summary>
    private static IEnumerable<string> SplitGrantees(string value)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i < value.Length && value[i] == '"')
                quoted = !quoted;
            if (i == value.Length || (value[i] == ',' && !quoted))
            {
                var part = value[start..i].Trim();
                if (part.Length > 0)
                    yield return part;
                start = i + 1;
            }
        }
    }

    private static AclGrant ParseGrantee(string header, string grantee, AclPermission permission)
    {
        var equals = grantee.IndexOf('=', StringComparison.Ordinal);
        var kind = equals < 0 ? "" : grantee[..equals].Trim();
        var value = equals < 0 ? "" : grantee[(equals + 1)..].Trim().Trim('"');
        if (value.Length == 0)
            throw Invalid(header, grantee);
        return kind.ToLowerInvariant() switch
        {
            "id" => new AclGrant(value, null, permission),
            "uri" => new AclGrant(null, value, permission),
            "emailaddress" => throw new S3Exception(S3Errors.UnresolvableGrantByEmailAddress) { Details = new Dictionary<string, string> { ["EmailAddress"] = value } },
            _ => throw Invalid(header, grantee),
        };
    }

    private static S3Exception Invalid(string header, string value) =>
        new(S3Errors.InvalidArgument) { Details = new Dictionary<string, string> { ["ArgumentName"] = header, ["ArgumentValue"] = value } };
}
