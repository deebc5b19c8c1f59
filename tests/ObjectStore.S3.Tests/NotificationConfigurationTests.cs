using System.Text;
using ObjectStore.Index;
using ObjectStore.Index.Events;
using ObjectStore.Objects.Errors;
using ObjectStore.Objects;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3.Tests;

/// <summary>PutBucketNotificationConfiguration documents: parsing, S3's refusals, and which events a stored configuration matches.</summary>
public sealed class NotificationConfigurationTests
{
    private const string Hook = "arn:objectstore:webhook::hook";
    private const string Queue = "arn:objectstore:queue::jobs";

    private static bool Known(string arn) => arn is Hook or Queue;

    private static NotificationConfiguration Validate(string body) =>
        NotificationRules.Validate(S3XmlRequest.ParseNotification(S3XmlRequest.Parse(Encoding.UTF8.GetBytes(body))), Known);

    private static string Doc(params string[] configurations) =>
        "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + string.Concat(configurations) + "</NotificationConfiguration>";

    private static string QueueConfig(string id, string arn, string[] events, string? prefix = null, string? suffix = null, string prefixName = "prefix")
    {
        var filter = prefix is null && suffix is null ? "" :
            "<Filter><S3Key>" +
            (prefix is null ? "" : $"<FilterRule><Name>{prefixName}</Name><Value>{prefix}</Value></FilterRule>") +
            (suffix is null ? "" : $"<FilterRule><Name>suffix</Name><Value>{suffix}</Value></FilterRule>") +
            "</S3Key></Filter>";
        return $"<QueueConfiguration><Id>{id}</Id><Queue>{arn}</Queue>{string.Concat(events.Select(e => $"<Event>{e}</Event>"))}{filter}</QueueConfiguration>";
    }

    private static S3Exception Refused(string body) => Assert.Throws<S3Exception>(() => Validate(body));

    [Fact]
    public void A_valid_document_keeps_ids_destinations_events_and_filters()
    {
        var config = Validate(Doc(
            QueueConfig("parquet", Queue, ["s3:ObjectCreated:*"], "uploads/", ".parquet"),
            "<TopicConfiguration><Id>removed</Id><Topic>" + Hook + "</Topic><Event>s3:ObjectRemoved:Delete</Event></TopicConfiguration>",
            "<CloudFunctionConfiguration><CloudFunction>" + Hook + "</CloudFunction><Event>s3:ObjectTagging:*</Event></CloudFunctionConfiguration>"));

        Assert.Equal(3, config.Rules.Count);
        var parquet = config.Rules[0];
        Assert.Equal((NotificationKind.Queue, "parquet", Queue, "uploads/", ".parquet"), (parquet.Kind, parquet.Id, parquet.DestinationArn, parquet.Prefix, parquet.Suffix));
        Assert.Equal(NotificationKind.Topic, config.Rules[1].Kind);
        Assert.False(string.IsNullOrEmpty(config.Rules[2].Id)); // a missing Id is generated, as S3 does
    }

    [Fact]
    public void Matching_follows_event_families_prefix_and_suffix()
    {
        var config = Validate(Doc(
            QueueConfig("parquet", Queue, ["s3:ObjectCreated:*"], "uploads/", ".parquet"),
            QueueConfig("deletes", Hook, ["s3:ObjectRemoved:DeleteMarkerCreated"])));

        Assert.Equal([new EventTarget("parquet", Queue)], config.Match(EventNames.ObjectCreatedPut, "uploads/day1/a.parquet"));
        Assert.Equal([new EventTarget("parquet", Queue)], config.Match(EventNames.ObjectCreatedCompleteMultipartUpload, "uploads/a.parquet"));
        Assert.Empty(config.Match(EventNames.ObjectCreatedPut, "uploads/a.csv"));
        Assert.Empty(config.Match(EventNames.ObjectCreatedPut, "other/a.parquet"));
        Assert.Equal([new EventTarget("deletes", Hook)], config.Match(EventNames.ObjectRemovedDeleteMarkerCreated, "any"));
        Assert.Empty(config.Match(EventNames.ObjectRemovedDelete, "any"));
    }

    [Fact]
    public void Stored_configuration_round_trips_through_the_bucket_record()
    {
        var config = Validate(Doc(QueueConfig("parquet", Queue, ["s3:ObjectCreated:Put", "s3:ObjectCreated:Copy"], "uploads/", ".parquet")));
        var bucket = new BucketRecord("b", DateTimeOffset.UtcNow, "eu-west-1", "o")
        {
            Configuration = new Dictionary<string, string> { [NotificationConfiguration.ConfigurationName] = config.ToJson() },
        };

        var events = NotificationConfiguration.EventsFor(bucket, EventNames.ObjectCreatedCopy, "uploads/x.parquet");

        var e = Assert.Single(events!);
        Assert.Equal("eu-west-1", e.Region);
        Assert.Equal([new EventTarget("parquet", Queue)], e.Targets);
        Assert.Null(NotificationConfiguration.EventsFor(bucket, EventNames.ObjectCreatedPost, "uploads/x.parquet"));
    }

    [Fact]
    public void Unknown_destination_is_InvalidArgument_naming_each_arn()
    {
        var error = Refused(Doc(QueueConfig("a", "arn:aws:sqs:us-east-1:123:internal", ["s3:ObjectCreated:*"])));

        Assert.Equal("InvalidArgument", error.Code.Code);
        Assert.Equal(400, error.Code.HttpStatus);
        Assert.Equal("Unable to validate the following destination configurations", error.Message);
        Assert.Equal("arn:aws:sqs:us-east-1:123:internal", error.Details["ArgumentName1"]);
    }

    [Theory]
    [InlineData("s3:ObjectCreated:*", null, "s3:ObjectCreated:Put", null)]
    [InlineData("s3:ObjectCreated:Put", "uploads/", "s3:ObjectCreated:Put", "uploads/day1/")]
    [InlineData("s3:ObjectRemoved:*", null, "s3:ObjectRemoved:*", "a/")]
    public void Overlapping_rules_for_a_common_event_type_are_refused(string eventA, string? prefixA, string eventB, string? prefixB)
    {
        var error = Refused(Doc(QueueConfig("a", Queue, [eventA], prefixA), QueueConfig("b", Hook, [eventB], prefixB)));

        Assert.Equal("InvalidArgument", error.Code.Code);
        Assert.Equal("Configurations overlap. Configurations on the same bucket cannot share a common event type.", error.Message);
    }

    [Fact]
    public void Rules_with_disjoint_prefixes_suffixes_or_event_types_do_not_overlap()
    {
        var config = Validate(Doc(
            QueueConfig("a", Queue, ["s3:ObjectCreated:*"], "images/"),
            QueueConfig("b", Queue, ["s3:ObjectCreated:*"], "videos/"),
            QueueConfig("c", Hook, ["s3:ObjectCreated:*"], "logs/", ".csv"),
            QueueConfig("d", Hook, ["s3:ObjectCreated:*"], "logs/", ".json"),
            QueueConfig("e", Hook, ["s3:ObjectRemoved:*"])));

        Assert.Equal(5, config.Rules.Count);
    }

    [Fact]
    public void Bad_filter_rule_names_duplicate_rules_unknown_events_and_duplicate_ids_are_refused()
    {
        Assert.Equal("filter rule name must be either prefix or suffix",
            Refused(Doc(QueueConfig("a", Queue, ["s3:ObjectCreated:*"], "x/", prefixName: "infix"))).Message);
        Assert.Equal("Cannot specify more than one prefix rule in a filter.",
            Refused(Doc("<QueueConfiguration><Queue>" + Queue + "</Queue><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>a</Value></FilterRule><FilterRule><Name>Prefix</Name><Value>b</Value></FilterRule></S3Key></Filter></QueueConfiguration>")).Message);
        var unknownEvent = Refused(Doc(QueueConfig("a", Queue, ["s3:ObjectCreated:Everything"])));
        Assert.Equal("The event is not supported for notifications", unknownEvent.Message);
        Assert.Equal("s3:ObjectCreated:Everything", unknownEvent.Details["ArgumentValue"]);
        Assert.Equal("Same ID used for multiple configurations. IDs must be unique",
            Refused(Doc(QueueConfig("same", Queue, ["s3:ObjectCreated:*"]), QueueConfig("same", Hook, ["s3:ObjectRemoved:*"]))).Message);
    }

    [Theory]
    [InlineData("<NotificationConfiguration><QueueConfiguration><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>")]
    [InlineData("<NotificationConfiguration><QueueConfiguration><Queue>arn:objectstore:queue::jobs</Queue></QueueConfiguration></NotificationConfiguration>")]
    [InlineData("<NotificationConfiguration><SomethingElse/></NotificationConfiguration>")]
    [InlineData("<Tagging/>")]
    [InlineData("<NotificationConfiguration><QueueConfiguration>")]
    public void Structurally_invalid_documents_are_MalformedXML(string body) =>
        Assert.Equal("MalformedXML", Refused(body).Code.Code);

    [Fact]
    public void An_empty_document_removes_every_configuration() =>
        Assert.Empty(Validate("<NotificationConfiguration/>").Rules);
}
