using ObjectStore.Index.Events;
using static ObjectStore.S3.Xml.S3XmlWriter;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlResponses
{
    /// <summary>GetBucketNotificationConfiguration: the stored rules, each under its own element kind.</summary>
    public static async Task WriteNotificationAsync(Stream destination, NotificationConfiguration configuration)
    {
        await using var w = Create(destination);
        await StartAsync(w, "NotificationConfiguration");
        foreach (var rule in configuration.Rules)
        {
            var (element, arnElement) = rule.Kind switch
            {
                NotificationKind.Queue => ("QueueConfiguration", "Queue"),
                NotificationKind.Topic => ("TopicConfiguration", "Topic"),
                _ => ("CloudFunctionConfiguration", "CloudFunction"),
            };
            await w.WriteStartElementAsync(null, element, null);
            await ElementAsync(w, "Id", rule.Id);
            await ElementAsync(w, arnElement, rule.DestinationArn);
            foreach (var e in rule.Events)
                await ElementAsync(w, "Event", e);
            if (rule.Prefix is not null || rule.Suffix is not null)
            {
                await w.WriteStartElementAsync(null, "Filter", null);
                await w.WriteStartElementAsync(null, "S3Key", null);
                await FilterRuleAsync(w, "Prefix", rule.Prefix);
                await FilterRuleAsync(w, "Suffix", rule.Suffix);
                await w.WriteEndElementAsync();
                await w.WriteEndElementAsync();
            }
            await w.WriteEndElementAsync();
        }
        await EndAsync(w);
    }

    private static async Task FilterRuleAsync(System.Xml.XmlWriter w, string name, string? value)
    {
        if (value is null)
            return;
        await w.WriteStartElementAsync(null, "FilterRule", null);
        await ElementAsync(w, "Name", name);
        await ElementAsync(w, "Value", value);
        await w.WriteEndElementAsync();
    }
}
