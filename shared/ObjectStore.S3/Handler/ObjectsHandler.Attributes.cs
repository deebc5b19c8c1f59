using System.Globalization;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>GetObjectAttributes: what HEAD tells and the parts of a multipart object, in one XML answer.</summary>
internal sealed partial class ObjectsHandler
{
    private static readonly string[] ObjectAttributeNames = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];
    private const int DefaultMaxParts = 1000;

    /// <summary>
    /// <c>x-amz-object-attributes</c> names what to return (InvalidArgument when absent or unknown);
    /// <c>x-amz-max-parts</c> and <c>x-amz-part-number-marker</c> page ObjectParts. By version id, as
    /// GetObject; an SSE-C object needs its customer key headers, as HEAD does.
    /// </summary>
    public async Task GetObjectAttributesAsync(S3Call call)
    {
        var wanted = (call.Header("x-amz-object-attributes") ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0 || wanted.Any(a => !ObjectAttributeNames.Contains(a)))
            throw new S3Exception(S3Errors.InvalidArgument, "Invalid attribute name specified.", call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-object-attributes", ["ArgumentValue"] = call.Header("x-amz-object-attributes") ?? "" },
            };
        var maxParts = Math.Min(NonNegativeHeader(call, "x-amz-max-parts") ?? DefaultMaxParts, DefaultMaxParts);
        var marker = NonNegativeHeader(call, "x-amz-part-number-marker") ?? 0;

        var record = await _objects.GetObjectAsync(call.Bucket, call.Key, call.Route.VersionId, call.Aborted, call.AddressedBucket);
        var objectKey = _objects.OpenObjectKey(record.Encryption, CustomerKey(call, CustomerPrefix), call.ResourceName);
        if (objectKey is not null)
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(objectKey);

        ObjectPartsPage? parts = null;
        if (wanted.Contains("ObjectParts") && MultipartLayout.IsMultipart(record.DataLayout))
        {
            var (list, count) = await _objects.ObjectPartsAsync(record, marker, maxParts, call.Aborted);
            var truncated = list.Count > maxParts;
            var shown = truncated ? list.Take(maxParts).ToList() : list;
            parts = new ObjectPartsPage(count, marker, truncated && shown.Count > 0 ? shown[^1].PartNumber : null, maxParts, truncated, shown);
        }

        var response = call.Response;
        response.Headers.LastModified = HttpDate(record.LastModified);
        WriteVersionHeader(response, record.VersionId);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteObjectAttributesAsync(body, wanted, record, parts));
    }

    private static int? NonNegativeHeader(S3Call call, string name)
    {
        if (call.Header(name) is not { } text)
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new S3Exception(S3Errors.InvalidArgument, $"Provided {name} not an integer or within integer range", call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = text },
            };
        return value;
    }
}
