using System.Globalization;
using System.Xml.Linq;
using ObjectStore.Index;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

/// <summary>ObjectLockConfiguration, Retention and LegalHold documents, read and written as S3 does.</summary>
internal static class ObjectLockXml
{
    /// <summary>
    /// ObjectLockConfiguration: ObjectLockEnabled "Enabled" and an optional Rule/DefaultRetention with Mode and
    /// Days or Years (not both, positive). MalformedXML or InvalidArgument as S3 answers.
    /// </summary>
    public static BucketObjectLock ParseConfiguration(XElement? document)
    {
        var root = S3XmlRequest.ExpectRoot(document, "ObjectLockConfiguration");
        if (S3XmlRequest.ChildValue(root, "ObjectLockEnabled")?.Trim() != "Enabled")
            throw new S3Exception(S3Errors.MalformedXML);
        if (S3XmlRequest.Child(root, "Rule") is not { } rule)
            return new BucketObjectLock(null, null, null);
        var retention = S3XmlRequest.Child(rule, "DefaultRetention") ?? throw new S3Exception(S3Errors.MalformedXML);
        var mode = S3XmlRequest.ChildValue(retention, "Mode")?.Trim();
        var days = S3XmlRequest.ChildValue(retention, "Days")?.Trim();
        var years = S3XmlRequest.ChildValue(retention, "Years")?.Trim();
        if (mode is null || (days is null) == (years is null))
            throw new S3Exception(S3Errors.MalformedXML);
        if (!ObjectLocks.IsMode(mode))
            throw new S3Exception(S3Errors.MalformedXML);
        var period = Period(days ?? years!);
        // S3 caps a default retention at 100 years.
        if (days is not null && period > 36_500 || years is not null && period > 100)
            throw new S3Exception(S3Errors.InvalidArgument, "Default retention period too large.");
        return days is not null ? new BucketObjectLock(mode, period, null) : new BucketObjectLock(mode, null, period);
    }

    private static int Period(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value > 0 ? value : throw new S3Exception(S3Errors.InvalidArgument, "Default retention period must be a positive integer value.")
            : throw new S3Exception(S3Errors.MalformedXML);

    public static async Task WriteConfigurationAsync(Stream destination, BucketObjectLock configuration)
    {
        await using var w = Create(destination);
        await StartAsync(w, "ObjectLockConfiguration");
        await ElementAsync(w, "ObjectLockEnabled", "Enabled");
        if (configuration.DefaultMode is { } mode)
        {
            await w.WriteStartElementAsync(null, "Rule", null);
            await w.WriteStartElementAsync(null, "DefaultRetention", null);
            await ElementAsync(w, "Mode", mode);
            if (configuration.DefaultDays is { } days) await ElementAsync(w, "Days", days);
            if (configuration.DefaultYears is { } years) await ElementAsync(w, "Years", years);
            await w.WriteEndElementAsync();
            await w.WriteEndElementAsync();
        }
        await EndAsync(w);
    }

    /// <summary>Retention: Mode and RetainUntilDate together, or neither (which removes a retention).</summary>
    public static ObjectLockRetention ParseRetention(XElement? document)
    {
        var root = S3XmlRequest.ExpectRoot(document, "Retention");
        var mode = S3XmlRequest.ChildValue(root, "Mode")?.Trim();
        var until = S3XmlRequest.ChildValue(root, "RetainUntilDate")?.Trim();
        if ((mode is null) != (until is null))
            throw new S3Exception(S3Errors.MalformedXML);
        if (mode is null)
            return new ObjectLockRetention(null, null);
        if (!ObjectLocks.IsMode(mode))
            throw new S3Exception(S3Errors.MalformedXML);
        var date = ParseDate(until!) ?? throw new S3Exception(S3Errors.InvalidArgument, "The retain until date must be provided in ISO 8601 format");
        return new ObjectLockRetention(mode, date);
    }

    public static async Task WriteRetentionAsync(Stream destination, ObjectLockRetention retention)
    {
        await using var w = Create(destination);
        await StartAsync(w, "Retention");
        await ElementAsync(w, "Mode", retention.Mode!);
        await ElementAsync(w, "RetainUntilDate", FormatDate(retention.RetainUntil!.Value));
        await EndAsync(w);
    }

    /// <summary>LegalHold: Status ON or OFF.</summary>
    public static bool ParseLegalHold(XElement? document)
    {
        var root = S3XmlRequest.ExpectRoot(document, "LegalHold");
        return S3XmlRequest.ChildValue(root, "Status")?.Trim() switch
        {
            "ON" => true,
            "OFF" => false,
            _ => throw new S3Exception(S3Errors.MalformedXML),
        };
    }

    public static async Task WriteLegalHoldAsync(Stream destination, bool on)
    {
        await using var w = Create(destination);
        await StartAsync(w, "LegalHold");
        await ElementAsync(w, "Status", on ? "ON" : "OFF");
        await EndAsync(w);
    }

    /// <summary>An ISO 8601 date-time (2030-01-01T00:00:00Z, with or without fractions; no offset means UTC).</summary>
    public static DateTimeOffset? ParseDate(string text) =>
        DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            && text.Contains('T', StringComparison.Ordinal) ? date : null;

    /// <summary>The wire form S3 uses: 2030-01-01T00:00:00.000Z.</summary>
    public static string FormatDate(DateTimeOffset date) => date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
