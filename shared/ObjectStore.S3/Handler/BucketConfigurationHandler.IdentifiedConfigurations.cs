using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;
using ObjectStore.S3.Xml;
using static ObjectStore.S3.S3Answers;

namespace ObjectStore.S3;

/// <summary>
/// The bucket configurations S3 keeps by id (analytics, metrics, inventory, Intelligent-Tiering), which this
/// store does not keep: a bucket never has any, so each list is empty, a get or delete of an id is
/// NoSuchConfiguration, and a put is NotImplemented (the dispatch table's default). See docs/compatibility.md.
/// </summary>
internal sealed partial class BucketConfigurationHandler
{
    /// <summary>ListBucketAnalyticsConfigurations and its kin: the empty list, under the root S3 documents for each.</summary>
    public async Task ListIdentifiedConfigurationsAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        var root = ListRoot(call.Operation);
        var token = call.QueryValue("continuation-token");
        await WriteXmlAsync(call, body => S3XmlResponses.WriteEmptyConfigurationListAsync(body, root, token));
    }

    /// <summary>Get or delete of a configuration by id: there is none, so NoSuchConfiguration (404).</summary>
    public async Task NoSuchIdentifiedConfigurationAsync(S3Call call)
    {
        (await call.AddressedBucketAsync(_buckets)).Require();
        throw new S3Exception(S3Errors.NoSuchConfiguration, resource: call.ResourceName);
    }

    // The API reference's root elements; note the analytics one is singular ("Configuration").
    private static string ListRoot(S3Operation? operation) => operation switch
    {
        S3Operation.ListBucketAnalyticsConfigurations => "ListBucketAnalyticsConfigurationResult",
        S3Operation.ListBucketMetricsConfigurations => "ListMetricsConfigurationsResult",
        S3Operation.ListBucketInventoryConfigurations => "ListInventoryConfigurationsResult",
        S3Operation.ListBucketIntelligentTieringConfigurations => "ListBucketIntelligentTieringConfigurationsOutput",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a list of configurations kept by id."),
    };
}
