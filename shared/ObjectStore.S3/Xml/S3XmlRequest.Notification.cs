using System.Xml.Linq;
using ObjectStore.Index.Events;
using ObjectStore.Objects;
using ObjectStore.Objects.Errors;

namespace ObjectStore.S3.Xml;

internal static partial class S3XmlRequest
{
    private static readonly (string Element, string Destination, NotificationKind Kind)[] NotificationElements =
    [
        ("QueueConfiguration", "Queue", NotificationKind.Queue),
        ("TopicConfiguration", "Topic", NotificationKind.Topic),
        ("CloudFunctionConfiguration", "CloudFunction", NotificationKind.CloudFunction),
    ];

    /// <summary>
    /// Parses a NotificationConfiguration body: Queue/Topic/CloudFunction configurations with Id,
    /// destination, Events and Filter/S3Key/FilterRule. An empty document removes every configuration.
    /// Structure problems are MalformedXML; semantic checks belong to the object service.
    /// </summary>
    public static IReadOnlyList<NotificationEntry> ParseNotification(XElement? root)
    {
        var config = ExpectRoot(root, "NotificationConfiguration");
        var entries = new List<NotificationEntry>();
        foreach (var element in config.Elements())
        {
            var name = element.Name.LocalName;
            if (name == "EventBridgeConfiguration")
                throw new S3Exception(S3Errors.InvalidArgument, "EventBridge is not a destination this server offers.")
                {
                    Details = new Dictionary<string, string> { ["ArgumentName"] = "EventBridgeConfiguration" },
                };
            var kind = Array.Find(NotificationElements, e => e.Element == name);
            if (kind.Element is null)
                throw new S3Exception(S3Errors.MalformedXML);
            var arn = ChildValue(element, kind.Destination)?.Trim();
            var events = Children(element, "Event").Select(e => e.Value.Trim()).ToList();
            if (string.IsNullOrEmpty(arn) || events.Count == 0)
                throw new S3Exception(S3Errors.MalformedXML);
            entries.Add(new NotificationEntry(kind.Kind, ChildValue(element, "Id")?.Trim(), arn, events, ParseFilterRules(element)));
        }
        return entries;
    }

    private static List<NotificationFilterRule> ParseFilterRules(XElement configuration)
    {
        var rules = new List<NotificationFilterRule>();
        if (Child(configuration, "Filter") is not { } filter)
            return rules;
        var s3Key = Child(filter, "S3Key") ?? throw new S3Exception(S3Errors.MalformedXML);
        foreach (var rule in Children(s3Key, "FilterRule"))
        {
            var name = ChildValue(rule, "Name") ?? throw new S3Exception(S3Errors.MalformedXML);
            rules.Add(new NotificationFilterRule(name.Trim(), ChildValue(rule, "Value") ?? ""));
        }
        return rules;
    }
}
