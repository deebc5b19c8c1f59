using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects.Integrity;
using ObjectStore.S3.Integrity;
using ObjectStore.S3.Protocol;
using ObjectStore.Objects;
using ObjectStore.Storage;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// The object operations: PutObject, GetObject and HeadObject, DeleteObject, CopyObject, and the header
/// parsing they share (SSE, checksums, lifecycle headers), used by the multipart and browser areas too.
/// </summary>
internal sealed partial class ObjectsHandler(ObjectService objects, BucketService buckets, RestoreService restores, CopySourceReader copySources, TimeProvider time,
    IOptions<S3Options> options)
{
    private readonly ObjectService _objects = objects;
    private readonly BucketService _buckets = buckets;
    private readonly RestoreService _restores = restores;
    private readonly CopySourceReader _copySources = copySources;
    private readonly TimeProvider _time = time;
    private readonly S3Options _options = options.Value;

    /// <summary>Times a GET re-reads the index after the data it was pointed at vanished under a concurrent write.</summary>
    internal const int MaxReadRaceAttempts = 5;

    /// <summary>GET overrides: query parameter → response header.</summary>
    internal static readonly (string Query, string Header)[] ResponseOverrides =
    [
        ("response-content-type", HeaderNames.ContentType),
        ("response-content-language", HeaderNames.ContentLanguage),
        ("response-expires", HeaderNames.Expires),
        ("response-cache-control", HeaderNames.CacheControl),
        ("response-content-disposition", HeaderNames.ContentDisposition),
        ("response-content-encoding", HeaderNames.ContentEncoding),
    ];

    public async Task PutObjectAsync(S3Call call)
    {
        var headers = call.Request.Headers;
        var length = PayloadLength(call, _options.MaxSinglePutSize);
        if (length > _options.MaxSinglePutSize)
            throw new S3Exception(S3Errors.EntityTooLarge, resource: call.ResourceName);
        var attributes = S3RequestHeaders.Attributes(headers) with { Encryption = RequestedEncryption(call) };
        ObjectLockHeaders.RequireDigest(headers, attributes.ObjectLock);
        var condition = S3RequestHeaders.WriteCondition(headers);
        var body = OpenVerifiedBody(call, verifyMd5Here: false);

        var record = await _objects.PutObjectAsync(await call.AddressedBucketAsync(_buckets), call.Key, attributes,
            new ObjectBody(body.Stream, length, ContentMd5.FromHeaders(headers), body.Checksum), condition, call.Requester, call.Aborted);

        var response = call.Response;
        response.Headers.ETag = record.ETag;
        WriteVersionHeader(response, record.VersionId);
        WriteChecksumHeader(response, record);
        WriteEncryptionHeaders(response, record.Encryption);
        await WriteLifecycleHeadersAsync(call, record, call.AddressedBucket?.Record, isLatest: true);
        response.ContentLength = 0;
    }

    /// <summary>x-amz-version-id, for versions written while versioning was enabled.</summary>
    internal static void WriteVersionHeader(HttpResponse response, string? versionId)
    {
        if (versionId is not null && versionId != VersionIds.Null)
            response.Headers["x-amz-version-id"] = versionId;
    }

    /// <summary>
    /// The payload length: x-amz-decoded-content-length for aws-chunked, else Content-Length. A plain
    /// <c>Transfer-Encoding: chunked</c> body without either is stored as S3 stores it: its length is
    /// <see cref="ObjectBody.UnknownLength"/> and the body is capped at <paramref name="maxLength"/>.
    /// Otherwise 411 MissingContentLength.
    /// </summary>
    internal static long PayloadLength(S3Call call, long maxLength)
    {
        if (call.Auth!.DecodedContentLength is { } decoded) return decoded;
        var isChunked = call.Request.Headers.ContentEncoding.ToString().Contains("aws-chunked", StringComparison.OrdinalIgnoreCase)
            || call.Request.Headers["x-amz-content-sha256"].ToString().StartsWith("STREAMING-", StringComparison.Ordinal);
        if (!isChunked && call.Request.ContentLength is { } contentLength) return contentLength;
        if (!isChunked && call.Request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            call.Body = new CountingStream(new MaxLengthStream(call.Body!, maxLength, call.ResourceName));
            return ObjectBody.UnknownLength;
        }
        throw new S3Exception(S3Errors.MissingContentLength, resource: call.ResourceName);
    }

    /// <summary>
    /// The single call site of the Integrity layer: wraps the authenticated body so the flexible
    /// checksum (x-amz-checksum-* header or trailer) is computed and verified as it is read.
    /// <paramref name="verifyMd5Here"/>: also check Content-MD5 in the stream (PutObject leaves that to
    /// the data store's MD5, computed anyway).
    /// </summary>
    /// <paramref name="computeIfAbsent"/>: the algorithm to compute (unverified) when the request names none.
    internal static (Stream Stream, Func<(string Algorithm, string Value)?> Checksum) OpenVerifiedBody(S3Call call, bool verifyMd5Here,
        ChecksumAlgorithm? computeIfAbsent = null)
    {
        var headers = call.Request.Headers;
        var checksum = ChecksumRequest.FromHeaders(headers) ?? (computeIfAbsent is { } algorithm ? ChecksumRequest.ComputeOnly(algorithm) : null);
        var md5 = verifyMd5Here ? ContentMd5.FromHeaders(headers) : null;
        if (checksum is null && md5 is null)
            return (call.Body!, () => null);
        var stream = new ChecksummingStream(call.Body!, checksum, md5, call.Auth!.Trailers);
        return (stream, () => stream.Algorithm is { } a && stream.ChecksumBase64 is { } v ? (a.Name(), v) : null);
    }

    internal static void WriteChecksumHeader(HttpResponse response, ObjectRecord record)
    {
        if (record.ChecksumAlgorithm is { } alg && record.ChecksumValue is { } value)
        {
            response.Headers["x-amz-checksum-" + alg.ToLowerInvariant()] = value;
            response.Headers["x-amz-checksum-type"] = Xml.S3XmlResponses.ChecksumTypeOf(value);
        }
    }

    /// <summary>GetObject and HeadObject, retried on a fresh index read when a concurrent write removed the data first.</summary>
    public async Task GetObjectAsync(S3Call call)
    {
        var versionId = call.Route.VersionId;
        // An ACL check of this version already read it (an anonymous or other caller allowed by the object's ACL).
        var record = call.VersionReadFor(call.Bucket, call.Key, versionId)
            ?? await _objects.GetObjectAsync(call.Bucket, call.Key, versionId, call.Aborted, call.AddressedBucket);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ServeObjectAsync(call, record);
                return;
            }
            catch (DataStoreException) when (!call.Response.HasStarted && attempt < MaxReadRaceAttempts)
            {
                // A concurrent overwrite or delete may have removed the data of the version just read
                // from the index. Serve what the index says now; the same layout means real data loss.
                var latest = await _objects.GetObjectAsync(call.Bucket, call.Key, versionId, call.Aborted, call.AddressedBucket);
                if (latest.DataLayout == record.DataLayout)
                    throw;
                record = latest;
                call.Response.Clear();
                S3RequestHandler.SetIdentityHeaders(call);
            }
        }
    }

    /// <summary>Conditions, range, headers, then the bytes of <paramref name="record"/> straight from the data store.</summary>
    private async Task ServeObjectAsync(S3Call call, ObjectRecord record)
    {
        var response = call.Response;

        switch (S3RequestHeaders.Preconditions(call.Request.Headers).Evaluate(record.ETag, record.LastModified, _time.GetUtcNow()))
        {
            case PreconditionOutcome.PreconditionFailed:
                throw new S3Exception(S3Errors.PreconditionFailed, resource: call.ResourceName)
                {
                    Details = new Dictionary<string, string> { ["Condition"] = call.Request.Headers.IfMatch.Count > 0 ? "If-Match" : "If-Unmodified-Since" },
                };
            case PreconditionOutcome.NotModified:
                response.StatusCode = StatusCodes.Status304NotModified;
                response.Headers.ETag = record.ETag;
                response.Headers.LastModified = HttpDate(record.LastModified);
                return;
        }

        var range = call.Route.PartNumber is null
            ? ByteRange.Parse(call.Request.Headers.Range.ToString(), record.Size)
            : await PartAsRangeAsync(call, record);
        if (range.Kind == RangeKind.Unsatisfiable)
            throw new S3Exception(S3Errors.InvalidRange, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string>
                {
                    ["RangeRequested"] = call.Request.Headers.Range.ToString(),
                    ["ActualObjectSize"] = record.Size.ToString(CultureInfo.InvariantCulture),
                },
            };

        // Archived versions: HEAD answers, GET needs a live restored copy (InvalidObjectState otherwise).
        var readable = call.IsHead ? record : _objects.ReadableVersion(record);
        var (offset, length) = range.Kind == RangeKind.Satisfiable ? (range.Offset, range.Length) : (0L, record.Size);
        // SSE-C: the key must be sent (and be the right one) for HEAD as for GET, before any header goes out.
        var objectKey = _objects.OpenObjectKey(record.Encryption, CustomerKey(call, CustomerPrefix), call.ResourceName);
        try
        {
            await ServeBytesAsync(call, record, readable, range, offset, length, objectKey);
        }
        finally
        {
            if (objectKey is not null)
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(objectKey);
        }
    }

    private async Task ServeBytesAsync(S3Call call, ObjectRecord record, ObjectRecord readable, ByteRange range, long offset, long length, byte[]? objectKey)
    {
        var response = call.Response;
        WriteObjectHeaders(call, record);
        WriteEncryptionHeaders(response, record.Encryption);
        await WriteLifecycleHeadersAsync(call, record, call.AddressedBucket?.Record, isLatest: call.Route.VersionId is null);
        if (range.Kind == RangeKind.Satisfiable)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = range.ContentRange(record.Size);
        }
        else
        {
            response.StatusCode = StatusCodes.Status200OK;
            if (string.Equals(call.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase))
                WriteChecksumHeader(response, record);
        }
        response.ContentLength = length;

        if (call.IsHead) return;
        await _objects.ReadDataAsync(readable, objectKey, offset, length, response.Body, call.Aborted);
    }

    /// <summary>GET/HEAD ?partNumber=N: the bytes of that part as a range, and x-amz-mp-parts-count of a multipart object.</summary>
    private async Task<ByteRange> PartAsRangeAsync(S3Call call, ObjectRecord record)
    {
        if (call.Request.Headers.Range.Count > 0)
            throw new S3Exception(S3Errors.InvalidRequest, "Cannot specify both Range header and partNumber query parameter.", call.ResourceName);
        var (offset, length, count) = await _objects.PartRangeAsync(record, MultipartHandler.PartNumber(call), call.Aborted);
        if (MultipartLayout.IsMultipart(record.DataLayout))
            call.Response.Headers["x-amz-mp-parts-count"] = count.ToString(CultureInfo.InvariantCulture);
        return length == 0 ? ByteRange.None : new ByteRange(RangeKind.Satisfiable, offset, length);
    }

    internal static void WriteObjectHeaders(S3Call call, ObjectRecord record)
    {
        var h = call.Response.Headers;
        h.ETag = record.ETag;
        if (record.VersionId != VersionIds.Null || call.Route.VersionId is not null)
            h["x-amz-version-id"] = record.VersionId;
        h.LastModified = HttpDate(record.LastModified);
        h.AcceptRanges = "bytes";
        foreach (var (name, value) in record.Headers)
            h[name] = HeaderText.ToWire(value);
        if (!record.Headers.ContainsKey(HeaderNames.ContentType))
            h.ContentType = S3RequestHeaders.DefaultContentType;
        foreach (var (name, value) in record.UserMetadata)
            h[S3RequestHeaders.MetaPrefix + name] = HeaderText.ToWire(value);
        if (record.StorageClass != ObjectRules.StandardClass)
            h["x-amz-storage-class"] = record.StorageClass;
        if (record.Tags.Count > 0)
            h["x-amz-tagging-count"] = record.Tags.Count.ToString(CultureInfo.InvariantCulture);
        ObjectLockHeaders.Write(h, record);
        foreach (var (query, header) in ResponseOverrides)
        {
            if (call.QueryValue(query) is { } value)
                h[header] = HeaderText.ToWire(value);
        }
    }

    internal static string HttpDate(DateTimeOffset t) => t.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    public async Task DeleteObjectAsync(S3Call call)
    {
        var ifMatch = call.Request.Headers.IfMatch.ToString().Trim();
        var condition = ifMatch.Length > 0 ? WriteCondition.ETagMatches(ifMatch) : WriteCondition.None;
        var result = await _objects.DeleteObjectAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, condition, call.Requester, call.Aborted,
            call.BypassGovernance);
        var response = call.Response;
        if (result.VersionId is not null)
            response.Headers["x-amz-version-id"] = result.VersionId;
        if (result.IsDeleteMarker)
            response.Headers["x-amz-delete-marker"] = "true";
        response.StatusCode = StatusCodes.Status204NoContent;
    }

}
