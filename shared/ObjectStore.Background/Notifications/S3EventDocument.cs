using System.Globalization;
using System.Text;
using System.Text.Json;
using ObjectStore.Index.Events;

namespace ObjectStore.Background.Notifications;

/// <summary>
/// The S3 event message structure (eventVersion 2.1): one record per message, the object key
/// URL-encoded (form encoding, '/' kept), the ETag without quotes, the sequencer ordering a key's
/// events, and "eventId" for de-duplication.
/// </summary>
public static class S3EventDocument
{
    public static string Create(OutboxEvent e, EventTarget target, string eventId)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("Records");
            w.WriteStartObject();
            w.WriteString("eventVersion", "2.1");
            w.WriteString("eventSource", "aws:s3");
            w.WriteString("awsRegion", e.Region);
            w.WriteString("eventTime", e.EventTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteString("eventName", e.EventName.StartsWith("s3:", StringComparison.Ordinal) ? e.EventName[3..] : e.EventName);
            w.WriteString("eventId", eventId);
            w.WriteStartObject("userIdentity");
            w.WriteString("principalId", e.PrincipalId);
            w.WriteEndObject();
            w.WriteStartObject("requestParameters");
            w.WriteString("sourceIPAddress", e.SourceIpAddress);
            w.WriteEndObject();
            w.WriteStartObject("responseElements");
            w.WriteString("x-amz-request-id", e.RequestId);
            w.WriteString("x-amz-id-2", e.HostId);
            w.WriteEndObject();
            w.WriteStartObject("s3");
            w.WriteString("s3SchemaVersion", "1.0");
            w.WriteString("configurationId", target.ConfigurationId);
            w.WriteStartObject("bucket");
            w.WriteString("name", e.Bucket);
            w.WriteStartObject("ownerIdentity");
            w.WriteString("principalId", e.PrincipalId);
            w.WriteEndObject();
            w.WriteString("arn", "arn:aws:s3:::" + e.Bucket);
            w.WriteEndObject();
            w.WriteStartObject("object");
            w.WriteString("key", EncodeKey(e.Key));
            if (!e.EventName.StartsWith("s3:ObjectRemoved:", StringComparison.Ordinal) && !e.EventName.StartsWith("s3:LifecycleExpiration:", StringComparison.Ordinal))
            {
                w.WriteNumber("size", e.Size);
                w.WriteString("eTag", e.ETag.Trim('"'));
            }
            if (e.VersionId is not null)
                w.WriteString("versionId", e.VersionId);
            w.WriteString("sequencer", e.Sequencer);
            w.WriteEndObject();
            w.WriteEndObject();
            if (e.RestoreExpiry is { } restoreExpiry)
            {
                w.WriteStartObject("glacierEventData");
                w.WriteStartObject("restoreEventData");
                w.WriteString("lifecycleRestorationExpiryTime", restoreExpiry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                w.WriteString("lifecycleRestoreStorageClass", e.RestoreStorageClass ?? "");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The s3:TestEvent S3 sends to each destination of a new configuration.</summary>
    public static string CreateTestEvent(string bucket, DateTimeOffset time, string requestId, string hostId) =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Service"] = "ObjectStore",
            ["Event"] = EventNames.TestEvent,
            ["Time"] = time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["Bucket"] = bucket,
            ["RequestId"] = requestId,
            ["HostId"] = hostId,
        });

    /// <summary>Form encoding of the key's UTF-8 bytes ("+" for space), keeping '/' as S3 does in events.</summary>
    public static string EncodeKey(string key)
    {
        var sb = new StringBuilder(key.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '/' or '*')
                sb.Append(c);
            else if (c == ' ')
                sb.Append('+');
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
