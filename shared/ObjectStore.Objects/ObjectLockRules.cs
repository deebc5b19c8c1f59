using System.Globalization;
using System.Text.Json;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Objects;

/// <summary>
/// A bucket's Object Lock configuration, stored as JSON in <c>BucketRecord.Configuration["objectlock"]</c>:
/// enabled (it cannot be turned off, as in S3), with an optional default retention (mode and Days or Years).
/// </summary>
internal sealed record BucketObjectLock(string? DefaultMode, int? DefaultDays, int? DefaultYears)
{
    public const string ConfigurationName = "objectlock";

    public static BucketObjectLock? Of(BucketRecord bucket) =>
        bucket.Configuration.TryGetValue(ConfigurationName, out var json) ? Parse(json) : null;

    public string Serialize() => JsonSerializer.Serialize(new Stored(true, DefaultMode, DefaultDays, DefaultYears));

    public static BucketObjectLock Parse(string json)
    {
        var stored = JsonSerializer.Deserialize<Stored>(json) ?? throw new InvalidDataException("An empty Object Lock configuration.");
        return new BucketObjectLock(stored.Mode, stored.Days, stored.Years);
    }

    /// <summary>The retain-until date the default rule gives a version written at <paramref name="now"/>; null without a rule.</summary>
    public DateTimeOffset? DefaultRetainUntil(DateTimeOffset now) =>
        DefaultMode is null ? null : DefaultDays is { } days ? now.AddDays(days) : DefaultYears is { } years ? now.AddYears(years) : null;

    private sealed record Stored(bool Enabled, string? Mode, int? Days, int? Years);
}

/// <summary>The x-amz-object-lock-* headers of a write (PutObject, CopyObject, CreateMultipartUpload, a POST form).</summary>
/// <param name="LegalHold">x-amz-object-lock-legal-hold: ON (true), OFF (false), or not sent (null).</param>
internal sealed record ObjectLockRequest(string? Mode, DateTimeOffset? RetainUntil, bool? LegalHold)
{
    public bool IsEmpty => Mode is null && RetainUntil is null && LegalHold != true;

    /// <summary>Stored on an upload record until completion: "MODE;retain-until (round trip);ON|OFF|" (empty: no legal hold header).</summary>
    public string Serialize() => string.Join(';', Mode ?? "", RetainUntil?.ToString("O", CultureInfo.InvariantCulture) ?? "",
        LegalHold switch { true => "ON", false => "OFF", null => "" });

    public static ObjectLockRequest? Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
            return null;
        var parts = stored.Split(';');
        return new ObjectLockRequest(parts[0].Length == 0 ? null : parts[0],
            parts[1].Length == 0 ? null : DateTimeOffset.Parse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            parts[2] switch { "ON" => true, "OFF" => false, _ => null });
    }
}

/// <summary>What Object Lock means for a new version: its headers checked, or the bucket's default applied.</summary>
internal static class ObjectLockRules
{
    /// <summary>S3's refusal of lock parameters on a bucket without Object Lock.</summary>
    public static S3Exception MissingConfiguration() => new(S3Errors.InvalidRequest, "Bucket is missing Object Lock Configuration");

    /// <summary>
    /// Checks a write's lock request against the bucket (InvalidRequest without Object Lock; InvalidArgument for a
    /// date not in the future), before any data is written.
    /// </summary>
    public static void Check(ObjectLockRequest? request, BucketRecord bucket, DateTimeOffset now)
    {
        if (request is null || request.IsEmpty)
            return;
        if (BucketObjectLock.Of(bucket) is null)
            throw MissingConfiguration();
        if (request.RetainUntil is { } until && until <= now)
            throw new S3Exception(S3Errors.InvalidArgument, "The retain until date must be in the future!");
    }

    /// <summary>
    /// The record a new version is committed with: the request's retention and legal hold, or the bucket's
    /// default retention (counted from <paramref name="now"/>, the commit time) when the request named none.
    /// </summary>
    public static ObjectRecord ForNewVersion(ObjectRecord record, ObjectLockRequest? request, BucketRecord bucket, DateTimeOffset now)
    {
        Check(request, bucket, now);
        if (BucketObjectLock.Of(bucket) is not { } configuration)
            return record;
        if (request is { Mode: not null })
            return record with { ObjectLockMode = request.Mode, ObjectLockRetainUntil = request.RetainUntil, ObjectLockLegalHold = request.LegalHold };
        return record with
        {
            ObjectLockMode = configuration.DefaultMode,
            ObjectLockRetainUntil = configuration.DefaultRetainUntil(now),
            ObjectLockLegalHold = request?.LegalHold,
        };
    }
}
