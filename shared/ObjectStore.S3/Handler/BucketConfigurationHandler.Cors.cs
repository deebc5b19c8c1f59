using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Browser;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>?cors: the bucket's CORS rules, stored in the bucket record's Configuration (applied by <see cref="S3RequestHandler"/>).</summary>
internal sealed partial class BucketConfigurationHandler
{
    public async Task PutBucketCorsAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        var configuration = CorsConfiguration.Parse(await S3XmlRequest.ReadAsync(call.Body!, SmallXmlBodyLimit, call.Aborted));
        await _buckets.SetBucketConfigurationAsync(call.Bucket, CorsConfiguration.ConfigurationName, configuration.Serialize(), call.Aborted);
        Log.CorsChanged(_logger, call.Bucket, configuration.Rules.Count);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentLength = 0;
    }

    public async Task GetBucketCorsAsync(S3Call call)
    {
        var bucket = (await call.AddressedBucketAsync(_buckets)).Require();
        if (!bucket.Configuration.TryGetValue(CorsConfiguration.ConfigurationName, out var xml))
            throw new S3Exception(S3Errors.NoSuchCORSConfiguration, resource: call.ResourceName)
            {
                Details = new Dictionary<string, string> { ["BucketName"] = call.Bucket },
            };
        var bytes = Encoding.UTF8.GetBytes(xml);
        call.Response.StatusCode = StatusCodes.Status200OK;
        call.Response.ContentType = "application/xml";
        call.Response.ContentLength = bytes.Length;
        await call.Response.Body.WriteAsync(bytes, call.Aborted);
    }

    public async Task DeleteBucketCorsAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        await _buckets.SetBucketConfigurationAsync(call.Bucket, CorsConfiguration.ConfigurationName, null, call.Aborted);
        Log.CorsChanged(_logger, call.Bucket, 0);
        call.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>CORS configuration log events (the CORS and browser upload range, 1120-1139).</summary>
    private static partial class Log
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Information, Message = "Bucket {Bucket}: CORS configuration set with {Rules} rules (0: deleted)")]
        public static partial void CorsChanged(ILogger logger, string bucket, int rules);
    }
}
