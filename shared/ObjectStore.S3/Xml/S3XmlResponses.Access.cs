using ObjectStore.Objects;
using ObjectStore.S3.Access;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlResponses
{
    public static async Task WritePolicyStatusAsync(Stream destination, bool isPublic)
    {
        await using var w = Create(destination);
        await StartAsync(w, "PolicyStatus");
        await ElementAsync(w, "IsPublic", isPublic);
        await EndAsync(w);
    }

    public static async Task WritePublicAccessBlockAsync(Stream destination, PublicAccessBlock block)
    {
        await using var w = Create(destination);
        await StartAsync(w, "PublicAccessBlockConfiguration");
        await ElementAsync(w, nameof(block.BlockPublicAcls), block.BlockPublicAcls);
        await ElementAsync(w, nameof(block.IgnorePublicAcls), block.IgnorePublicAcls);
        await ElementAsync(w, nameof(block.BlockPublicPolicy), block.BlockPublicPolicy);
        await ElementAsync(w, nameof(block.RestrictPublicBuckets), block.RestrictPublicBuckets);
        await EndAsync(w);
    }
}
