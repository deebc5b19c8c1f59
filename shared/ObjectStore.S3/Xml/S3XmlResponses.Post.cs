using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlResponses
{
    /// <summary>PostObject with success_action_status 201.</summary>
    public static async Task WritePostResponseAsync(Stream destination, string location, string bucket, string key, string etag)
    {
        await using var w = Create(destination);
        await StartAsync(w, "PostResponse", withNamespace: false);
        await ElementAsync(w, "Location", location);
        await ElementAsync(w, "Bucket", bucket);
        await ElementAsync(w, "Key", key);
        await ElementAsync(w, "ETag", etag);
        await EndAsync(w);
    }
}
