using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Integrity;
using ObjectStore.S3.Protocol;
using ObjectStore.Objects;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;
using static ObjectStore.S3.ObjectsHandler;

namespace ObjectStore.S3;

/// <summary>The multipart upload operations: parse, call the multipart service, render.</summary>
internal sealed class MultipartHandler(MultipartService uploads, BucketService buckets, CopySourceReader copySources, IOptions<S3Options> options)
{
    private readonly MultipartService _uploads = uploads;
    private readonly BucketService _buckets = buckets;
    private readonly CopySourceReader _copySources = copySources;
    private readonly S3Options _options = options.Value;
    private readonly S3Owner _owner = new(options.Value.OwnerId, options.Value.OwnerDisplayName);

    private const int MaxListParts = 1000;
    private const int MaxListUploads = 1000;
    /// <summary>10,000 parts with ETags and checksums stay well under this.</summary>
    private const int CompleteBodyLimit = 4 * 1024 * 1024;

    public async Task CreateMultipartUploadAsync(S3Call call)
    {
        var headers = call.Request.Headers;
        ChecksumAlgorithm? algorithm = null;
        if (call.Header("x-amz-checksum-algorithm") is { } name)
        {
            if (!ChecksumAlgorithms.TryParse(name, out var parsed))
                throw new S3Exception(S3Errors.InvalidRequest,
                    "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]", call.ResourceName);
            algorithm = parsed;
        }
        var upload = await _uploads.CreateMultipartUploadAsync(await call.AddressedBucketAsync(_buckets), call.Key, S3RequestHeaders.Attributes(headers) with { Encryption = RequestedEncryption(call) },
            algorithm, call.Header("x-amz-checksum-type"), call.Aborted);
        WriteEncryptionHeaders(call.Response, upload.Encryption);
        if (upload.ChecksumAlgorithm is not null)
        {
            call.Response.Headers["x-amz-checksum-algorithm"] = upload.ChecksumAlgorithm;
            call.Response.Headers["x-amz-checksum-type"] = upload.ChecksumType;
        }
        await WriteXmlAsync(call, body => S3XmlResponses.WriteInitiateMultipartUploadAsync(body, call.Bucket, call.Key, upload.UploadId));
    }

    public async Task UploadPartAsync(S3Call call)
    {
        var partNumber = PartNumber(call);
        var length = PayloadLength(call, _options.MaxSinglePutSize);
        if (length > _options.MaxSinglePutSize)
            throw new S3Exception(S3Errors.EntityTooLarge, resource: call.ResourceName);
        var upload = await _uploads.GetOpenUploadAsync(call.Bucket, call.Key, UploadId(call), call.Aborted);
        ChecksumAlgorithm? uploadAlgorithm = ChecksumAlgorithms.TryParse(upload.ChecksumAlgorithm, out var a) ? a : null;
        if (uploadAlgorithm is { } expected && ChecksumRequest.FromHeaders(call.Request.Headers) is { } sent && sent.Algorithm != expected)
            throw new S3Exception(S3Errors.InvalidRequest,
                $"Checksum Type mismatch occurred, expected checksum Type: {expected.Name().ToLowerInvariant()}, actual checksum Type: {sent.Algorithm.Name().ToLowerInvariant()}", call.ResourceName);

        var customerKey = CustomerKey(call, CustomerPrefix);
        var body = OpenVerifiedBody(call, verifyMd5Here: false, computeIfAbsent: uploadAlgorithm);
        var part = await _uploads.UploadPartAsync(upload, partNumber,
            new ObjectBody(body.Stream, length, ContentMd5.FromHeaders(call.Request.Headers), body.Checksum), customerKey, call.Aborted);
        call.Response.Headers.ETag = part.ETag;
        WriteEncryptionHeaders(call.Response, upload.Encryption);
        if (part.ChecksumAlgorithm is { } algorithm && part.ChecksumValue is { } value)
            call.Response.Headers["x-amz-checksum-" + algorithm.ToLowerInvariant()] = value;
        call.Response.ContentLength = 0;
    }

    public async Task UploadPartCopyAsync(S3Call call)
    {
        var partNumber = PartNumber(call);
        var (sourceBucket, sourceKey, sourceVersion) = ParseCopySource(call.Route.CopySource ?? "");
        var upload = await _uploads.GetOpenUploadAsync(call.Bucket, call.Key, UploadId(call), call.Aborted);
        var source = await _copySources.GetCopySourceAsync(call, sourceBucket, sourceKey, sourceVersion);
        var (offset, length) = CopySourceRange(call.Header("x-amz-copy-source-range"), source.Size);

        var part = await _uploads.UploadPartCopyAsync(upload, partNumber, source, offset, length,
            CustomerKey(call, CopySourceCustomerPrefix), CustomerKey(call, CustomerPrefix), call.Aborted);
        if (sourceVersion is not null)
            call.Response.Headers["x-amz-copy-source-version-id"] = sourceVersion;
        WriteEncryptionHeaders(call.Response, upload.Encryption);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteCopyObjectResultAsync(body, part.ETag, part.LastModified,
            part.ChecksumAlgorithm, part.ChecksumValue, root: "CopyPartResult"));
    }

    /// <summary>x-amz-copy-source-range: <c>bytes=first-last</c> inside the source; absent means the whole source.</summary>
    internal static (long Offset, long Length) CopySourceRange(string? header, long sourceSize)
    {
        if (header is null)
            return (0, sourceSize);
        var value = header.Trim();
        var dash = value.IndexOf('-');
        if (!value.StartsWith("bytes=", StringComparison.Ordinal) || dash < 0
            || !long.TryParse(value.AsSpan(6, dash - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            throw new S3Exception(S3Errors.InvalidArgument,
                "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-copy-source-range", ["ArgumentValue"] = header },
            };
        if (first > last)
            throw new S3Exception(S3Errors.InvalidArgument, $"Range specified is not valid for source object of size: {sourceSize}")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "x-amz-copy-source-range", ["ArgumentValue"] = header },
            };
        if (last >= sourceSize)
            throw new S3Exception(S3Errors.InvalidRange) // S3: a range past the source's end is not satisfiable
            {
                Details = new Dictionary<string, string> { ["RangeRequested"] = value, ["ActualObjectSize"] = sourceSize.ToString(CultureInfo.InvariantCulture) },
            };
        return (first, last - first + 1);
    }

    public async Task CompleteMultipartUploadAsync(S3Call call)
    {
        var headers = call.Request.Headers;
        var condition = S3RequestHeaders.WriteCondition(headers);
        var uploadId = UploadId(call);
        // A checksum header here is the whole object's (FULL_OBJECT), not the XML body's.
        (ChecksumAlgorithm, string)? expected = null;
        foreach (var algorithm in ChecksumAlgorithms.All)
        {
            if (call.Header(algorithm.HeaderName()) is { } value)
                expected = (algorithm, value);
        }
        var root = await S3XmlRequest.ReadAsync(call.Body!, CompleteBodyLimit, call.Aborted);
        var parts = S3XmlRequest.ParseCompleteMultipartUpload(root, MultipartService.MaxPartNumber);

        var record = await _uploads.CompleteMultipartUploadAsync(await call.AddressedBucketAsync(_buckets), call.Key, uploadId, parts, condition, expected, call.Requester, call.Aborted);
        var location = $"{call.Request.Scheme}://{call.Request.Host.Value}/{call.Bucket}/{S3UrlEncoding.Encode(call.Key)}";
        if (record.ChecksumAlgorithm is { } alg && record.ChecksumValue is { } checksum)
            call.Response.Headers["x-amz-checksum-" + alg.ToLowerInvariant()] = checksum;
        WriteVersionHeader(call.Response, record.VersionId);
        WriteEncryptionHeaders(call.Response, record.Encryption);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteCompleteMultipartUploadAsync(body, location, record));
    }

    public async Task AbortMultipartUploadAsync(S3Call call)
    {
        await _uploads.AbortMultipartUploadAsync(call.Bucket, call.Key, UploadId(call), call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    public async Task ListPartsAsync(S3Call call)
    {
        var marker = NonNegativeQuery(call, "part-number-marker", 0);
        var maxParts = Math.Min(NonNegativeQuery(call, "max-parts", MaxListParts), MaxListParts);
        var page = await _uploads.ListPartsAsync(call.Bucket, call.Key, UploadId(call), marker, maxParts, call.Aborted);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListPartsAsync(body,
            new PartsListPage(call.Bucket, call.Key, page.Upload, marker, maxParts, page.IsTruncated, page.Parts, _owner)));
    }

    public async Task ListMultipartUploadsAsync(S3Call call)
    {
        var encoding = call.QueryValue("encoding-type");
        if (encoding is not null && encoding != S3UrlEncoding.Url)
            throw new S3Exception(S3Errors.InvalidArgument, "Invalid Encoding Method specified in Request")
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "encoding-type", ["ArgumentValue"] = encoding },
            };
        var maxUploads = Math.Min(NonNegativeQuery(call, "max-uploads", MaxListUploads), MaxListUploads);
        var prefix = call.QueryValue("prefix") ?? "";
        var delimiter = call.QueryValue("delimiter") is { Length: > 0 } d ? d : null;
        var keyMarker = call.QueryValue("key-marker") ?? "";
        var uploadIdMarker = call.QueryValue("upload-id-marker") ?? "";

        var listing = await _uploads.ListMultipartUploadsAsync(await call.AddressedBucketAsync(_buckets),
            new UploadListRequest(call.Bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads), call.Aborted);
        Func<string, string> encode = encoding is null ? k => k : S3UrlEncoding.Encode;
        await WriteXmlAsync(call, body => S3XmlResponses.WriteListMultipartUploadsAsync(body,
            new UploadsPage(call.Bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads, encoding, listing, _owner, encode)));
    }

    private static string UploadId(S3Call call) => call.Route.UploadId ?? "";

    /// <summary>The partNumber query parameter: an integer from 1 to 10,000 (InvalidArgument otherwise).</summary>
    internal static int PartNumber(S3Call call)
    {
        var text = call.Route.PartNumber;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > MultipartService.MaxPartNumber)
            throw new S3Exception(S3Errors.InvalidArgument, "Part number must be an integer between 1 and 10000, inclusive", call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = "partNumber", ["ArgumentValue"] = text ?? "" },
            };
        return number;
    }

    private static int NonNegativeQuery(S3Call call, string name, int absent)
    {
        var text = call.QueryValue(name);
        if (text is null)
            return absent;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new S3Exception(S3Errors.InvalidArgument, $"Provided {name} not an integer or within integer range", call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["ArgumentName"] = name, ["ArgumentValue"] = text },
            };
        return value;
    }
}
