using System.Text.Json;
using ObjectStore.Index;
using ObjectStore.Index.Events;

namespace ObjectStore.Background;

/// <summary>
/// The counts of one pass over one bucket, saved with the cursor at each checkpoint (JSON in the
/// scan state's data) so a pass cut short resumes without counting anything twice.
/// </summary>
internal sealed class UsageTally
{
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public Dictionary<string, ClassTally> Classes { get; set; } = new(StringComparer.Ordinal);
    public long DeleteMarkers { get; set; }
    public long Uploads { get; set; }
    public long Parts { get; set; }
    public long PartBytes { get; set; }
    public long StaleUploads { get; set; }
    public long StaleUploadBytes { get; set; }
    public DateTimeOffset? OldestUpload { get; set; }
    public Dictionary<string, OutboxTally> Outbox { get; set; } = new(StringComparer.Ordinal);

    public void AddVersion(VersionEntry entry)
    {
        var version = entry.Version;
        if (version.IsDeleteMarker)
        {
            DeleteMarkers++;
            return;
        }
        var c = Class(version.StorageClass);
        if (entry.IsLatest)
        {
            c.Objects++;
            c.Bytes += version.Size;
        }
        else
        {
            c.Noncurrent++;
            c.NoncurrentBytes += version.Size;
        }
    }

    public void AddUpload(UploadRecord upload, long parts, long bytes, bool stale)
    {
        var c = Class(upload.StorageClass);
        c.Uploads++;
        c.Parts += parts;
        c.PartBytes += bytes;
        Uploads++;
        Parts += parts;
        PartBytes += bytes;
        if (stale)
        {
            StaleUploads++;
            StaleUploadBytes += bytes;
        }
        if (OldestUpload is null || upload.Initiated < OldestUpload)
            OldestUpload = upload.Initiated;
    }

    public void AddOutbox(OutboxEvent row)
    {
        foreach (var target in row.Targets)
        {
            if (!Outbox.TryGetValue(target.DestinationArn, out var backlog))
                Outbox[target.DestinationArn] = backlog = new OutboxTally();
            backlog.Events++;
            if (backlog.Oldest is null || row.EventTime < backlog.Oldest)
                backlog.Oldest = row.EventTime;
        }
    }

    private ClassTally Class(string storageClass)
    {
        var name = string.IsNullOrEmpty(storageClass) ? "STANDARD" : storageClass;
        if (!Classes.TryGetValue(name, out var c))
            Classes[name] = c = new ClassTally();
        return c;
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static UsageTally? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<UsageTally>(json, Json);
        }
        catch (JsonException)
        {
            return null; // an older format: counted again from the start
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal sealed class ClassTally
    {
        public long Objects { get; set; }
        public long Bytes { get; set; }
        public long Noncurrent { get; set; }
        public long NoncurrentBytes { get; set; }
        public long Uploads { get; set; }
        public long Parts { get; set; }
        public long PartBytes { get; set; }
    }

    internal sealed class OutboxTally
    {
        public long Events { get; set; }
        public DateTimeOffset? Oldest { get; set; }
    }
}

/// <summary>Where a pass over a bucket resumes: the phase and the listing markers within it.</summary>
internal sealed record UsageCursor(string Phase, string? KeyMarker, string? Marker)
{
    public const string Versions = "versions";
    public const string Uploads = "uploads";
    public const string Outbox = "outbox";

    public static readonly UsageCursor Start = new(Versions, null, null);

    public string ToJson() => JsonSerializer.Serialize(this);

    public static UsageCursor? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<UsageCursor>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
