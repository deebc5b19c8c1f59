using Microsoft.AspNetCore.Http;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>?requestPayment: the bucket owner pays, always (tools read it before writing; see docs/compatibility.md).</summary>
internal sealed partial class BucketConfigurationHandler
{
    public async Task GetBucketRequestPaymentAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await WriteXmlAsync(call, S3XmlResponses.WriteRequestPaymentAsync);
    }

    public async Task PutBucketRequestPaymentAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        S3XmlRequest.ParseRequestPayment(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }
}
