using Microsoft.AspNetCore.Http;
using ObjectStore.Index;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3;

/// <summary>The x-amz-object-lock-* headers of writes and reads, and x-amz-bypass-governance-retention (docs/object-lock.md).</summary>
internal static class ObjectLockHeaders
{
    public const string Mode = "x-amz-object-lock-mode";
    public const string RetainUntil = "x-amz-object-lock-retain-until-date";
    public const string LegalHold = "x-amz-object-lock-legal-hold";
    public const string BypassGovernance = "x-amz-bypass-governance-retention";

    /// <summary>The lock a write asks for; null when it sent none of the headers. InvalidArgument for bad values, as S3.</summary>
    public static ObjectLockRequest? Parse(IHeaderDictionary headers)
    {
        var mode = headers[Mode].ToString();
        var until = headers[RetainUntil].ToString();
        var hold = headers[LegalHold].ToString();
        if (mode.Length == 0 && until.Length == 0 && hold.Length == 0)
            return null;
        if ((mode.Length == 0) != (until.Length == 0))
            throw new S3Exception(S3Errors.InvalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        if (mode.Length > 0 && !ObjectLocks.IsMode(mode))
            throw Invalid(Mode, mode, "Unknown wormMode directive.");
        DateTimeOffset? date = null;
        if (until.Length > 0)
            date = ParseDate(until) ?? throw Invalid(RetainUntil, until, "The retain until date must be provided in ISO 8601 format");
        if (hold.Length > 0 && hold is not ("ON" or "OFF"))
            throw Invalid(LegalHold, hold, "Legal Hold must be either of 'ON' or 'OFF'");
        return new ObjectLockRequest(mode.Length == 0 ? null : mode, date, hold.Length == 0 ? null : hold == "ON");
    }

    public static DateTimeOffset? ParseDate(string text) => Xml.ObjectLockXml.ParseDate(text);

    public static string FormatDate(DateTimeOffset date) => Xml.ObjectLockXml.FormatDate(date);

    /// <summary>
    /// S3 demands an integrity digest on a PutObject that sets a lock: Content-MD5, or a flexible checksum (header or trailer).
    /// </summary>
    public static void RequireDigest(IHeaderDictionary headers, ObjectLockRequest? request)
    {
        if (request is null || request.IsEmpty)
            return;
        var hasDigest = headers.ContainsKey("Content-MD5")
            || headers.Keys.Any(k => k.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) && !k.Equals("x-amz-checksum-mode", StringComparison.OrdinalIgnoreCase))
            || headers.ContainsKey("x-amz-sdk-checksum-algorithm")
            || headers["x-amz-trailer"].ToString().Contains("x-amz-checksum-", StringComparison.OrdinalIgnoreCase);
        if (!hasDigest)
            throw new S3Exception(S3Errors.InvalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
    }

    /// <summary>x-amz-bypass-governance-retention: true was sent.</summary>
    public static bool AsksBypass(IHeaderDictionary headers) =>
        headers[BypassGovernance].ToString().Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The version's lock on a GET or HEAD.</summary>
    public static void Write(IHeaderDictionary headers, ObjectRecord record)
    {
        if (record.ObjectLockMode is { } mode && record.ObjectLockRetainUntil is { } until)
        {
            headers[Mode] = mode;
            headers[RetainUntil] = FormatDate(until);
        }
        // S3 leaves the header out only for a version that never had a legal hold; a lifted one shows OFF.
        if (record.ObjectLockLegalHold is { } hold)
            headers[LegalHold] = hold ? "ON" : "OFF";
    }

    private static S3Exception Invalid(string name, string value, string message) =>
        new(S3Errors.InvalidArgument, message) { Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = value } };
}
