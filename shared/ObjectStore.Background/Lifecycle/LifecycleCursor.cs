using System.Text;

namespace ObjectStore.Background;

internal enum LifecyclePhase { Versions, Uploads }

/// <summary>
/// Where a bucket's lifecycle walk resumes: after a key (every version of it handled) in the version
/// phase, or after an upload in the upload phase. Persisted as text in the scan-state table:
/// <c>v:</c>base64(key) or <c>u:</c>base64(key)<c>:</c>upload id; no cursor is the start.
/// </summary>
internal sealed record LifecycleCursor(LifecyclePhase Phase, string? Key, string? UploadId)
{
    public static readonly LifecycleCursor Start = new(LifecyclePhase.Versions, null, null);
    public static readonly LifecycleCursor UploadsStart = new(LifecyclePhase.Uploads, null, null);

    public static LifecycleCursor AfterKey(string key) => new(LifecyclePhase.Versions, key, null);

    public static LifecycleCursor AfterUpload(string key, string uploadId) => new(LifecyclePhase.Uploads, key, uploadId);

    public override string ToString() => Phase == LifecyclePhase.Versions
        ? "v:" + Encode(Key)
        : "u:" + Encode(Key) + ":" + UploadId;

    /// <summary>The saved cursor; an unreadable one restarts the walk (every action is idempotent).</summary>
    public static LifecycleCursor Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return Start;
        try
        {
            var parts = text.Split(':');
            return parts switch
            {
                ["v", var key] => new(LifecyclePhase.Versions, Decode(key), null),
                ["u", var key, var upload] => new(LifecyclePhase.Uploads, Decode(key), upload.Length == 0 ? null : upload),
                _ => Start,
            };
        }
        catch (FormatException)
        {
            return Start;
        }
    }

    private static string Encode(string? key) => key is null ? "" : Convert.ToBase64String(Encoding.UTF8.GetBytes(key));

    private static string? Decode(string text) => text.Length == 0 ? null : Encoding.UTF8.GetString(Convert.FromBase64String(text));
}
