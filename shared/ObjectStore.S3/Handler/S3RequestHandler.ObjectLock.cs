using System.Globalization;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Identity;

namespace ObjectStore.S3;

/// <summary>The values of the s3:object-lock-* condition keys of one request: from its headers, or from a Retention / LegalHold body.</summary>
internal sealed record ObjectLockConditions(string? Mode, DateTimeOffset? RetainUntil, bool? LegalHold)
{
    public static ObjectLockConditions Of(string? mode, DateTimeOffset? retainUntil, bool? legalHold) => new(mode, retainUntil, legalHold);

    /// <summary>From x-amz-object-lock-* (unparsable values count as absent: the handler refuses them later).</summary>
    public static ObjectLockConditions FromHeaders(IHeaderDictionary headers)
    {
        var hold = headers[ObjectLockHeaders.LegalHold].ToString();
        return new(headers[ObjectLockHeaders.Mode].ToString() is { Length: > 0 } mode ? mode : null,
            ObjectLockHeaders.ParseDate(headers[ObjectLockHeaders.RetainUntil].ToString()),
            hold.Length == 0 ? null : hold == "ON");
    }
}

public sealed partial class S3RequestHandler
{
    /// <summary>
    /// Whether a delete (or a retention change) of <paramref name="key"/> may bypass GOVERNANCE retention: the
    /// request says x-amz-bypass-governance-retention: true and the caller is allowed s3:BypassGovernanceRetention
    /// (the root key is). Without the permission the request goes on without the bypass, as S3 does.
    /// </summary>
    private async Task<bool> MayBypassGovernanceAsync(S3Call call, string? key, string? versionId, CancellationToken cancellationToken)
    {
        if (!ObjectLockHeaders.AsksBypass(call.Request.Headers) || key is null)
            return false;
        return call.Caller.Kind == PrincipalKind.Root || await IsAllowedAsync(call, "s3:BypassGovernanceRetention", call.Bucket, key, versionId, cancellationToken);
    }

    /// <summary>s3:object-lock-mode, -retain-until-date, -remaining-retention-days and -legal-hold.</summary>
    private string? ObjectLockConditionValue(S3Call call, string name)
    {
        var values = call.ObjectLockConditions ?? ObjectLockConditions.FromHeaders(call.Request.Headers);
        return name switch
        {
            "s3:object-lock-mode" => values.Mode,
            "s3:object-lock-retain-until-date" => values.RetainUntil is { } until ? ObjectLockHeaders.FormatDate(until) : null,
            "s3:object-lock-remaining-retention-days" => values.RetainUntil is { } until
                ? Math.Max(0, (long)Math.Ceiling((until - _time.GetUtcNow()).TotalDays)).ToString(CultureInfo.InvariantCulture)
                : null,
            "s3:object-lock-legal-hold" => values.LegalHold is { } on ? (on ? "ON" : "OFF") : null,
            _ => null,
        };
    }
}
