using System.Globalization;
using Microsoft.AspNetCore.Http;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>An object's subresources: ?tagging (read, replace, delete), ?restore (RestoreObject) and ?torrent (refused).</summary>
internal sealed class ObjectSubresourceHandler(TaggingService tagging, RestoreService restores, BucketService buckets)
{
    private readonly TaggingService _tagging = tagging;
    private readonly RestoreService _restores = restores;
    private readonly BucketService _buckets = buckets;

    public async Task GetObjectTaggingAsync(S3Call call)
    {
        var tags = await _tagging.GetObjectTaggingAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, call.Aborted);
        await WriteXmlAsync(call, body => Xml.S3XmlResponses.WriteTaggingAsync(body, tags));
    }

    public async Task PutObjectTaggingAsync(S3Call call)
    {
        var tags = Xml.S3XmlRequest.ParseTagging(await Xml.S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _tagging.PutObjectTaggingAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, tags, call.Requester, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task DeleteObjectTaggingAsync(S3Call call)
    {
        await _tagging.DeleteObjectTaggingAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, call.Requester, call.Aborted);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>
    /// GET ?torrent: S3 discontinued BitTorrent (2021-2022) and answers InvalidRequest where it cannot make a
    /// torrent; this store never makes one, so it gives that refusal (not 501) once the bucket is known.
    /// </summary>
    public async Task GetObjectTorrentAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        throw new S3Exception(S3Errors.InvalidRequest, "Torrent creation is not supported: BitTorrent was discontinued by S3 and is not offered here.", call.ResourceName);
    }

    /// <summary>POST ?restore: RestoreRequest with Days and GlacierJobParameters/Tier.</summary>
    public async Task RestoreObjectAsync(S3Call call)
    {
        var root = S3XmlRequest.ExpectRoot(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted), "RestoreRequest");
        if (S3XmlRequest.Child(root, "Type") is not null || S3XmlRequest.Child(root, "SelectParameters") is not null)
            throw new S3Exception(S3Errors.NotImplemented, "Select restores are not implemented.");
        var daysText = S3XmlRequest.ChildValue(root, "Days")?.Trim();
        if (daysText is null || !int.TryParse(daysText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days))
            throw new S3Exception(S3Errors.MalformedXML);
        var tier = S3XmlRequest.Child(root, "GlacierJobParameters") is { } job ? S3XmlRequest.ChildValue(job, "Tier")?.Trim() : S3XmlRequest.ChildValue(root, "Tier")?.Trim();
        var result = await _restores.RestoreObjectAsync(await call.AddressedBucketAsync(_buckets), call.Key, call.Route.VersionId, days, tier, call.Requester, call.Aborted);
        call.Response.StatusCode = result.Accepted ? StatusCodes.Status202Accepted : StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }
}
