using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

internal sealed partial class BucketConfigurationHandler
{
    public async Task GetBucketNotificationAsync(S3Call call)
    {
        var configuration = await _buckets.GetNotificationAsync(call.Bucket, call.Aborted);
        await WriteXmlAsync(call, body => S3XmlResponses.WriteNotificationAsync(body, configuration));
    }

    public async Task PutBucketNotificationAsync(S3Call call)
    {
        var entries = S3XmlRequest.ParseNotification(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.PutNotificationAsync(call.Bucket, entries, call.Requester, call.Aborted);
        call.Response.ContentLength = 0;
    }
}
