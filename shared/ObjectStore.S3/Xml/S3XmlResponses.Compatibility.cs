using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlResponses
{
    /// <summary>GetBucketRequestPayment: the bucket owner always pays here.</summary>
    public static async Task WriteRequestPaymentAsync(Stream destination)
    {
        await using var w = Create(destination);
        await StartAsync(w, "RequestPaymentConfiguration");
        await ElementAsync(w, "Payer", "BucketOwner");
        await EndAsync(w);
    }
}
