using ObjectStore.Lifecycle;

namespace ObjectStore.S3.Tests.Lifecycle;

/// <summary>The lifecycle rule language: what parses into which rule, and what S3 refuses with which error and message.</summary>
public sealed class LifecycleXmlTests
{
    private static string Doc(params string[] rules) =>
        "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + string.Concat(rules) + "</LifecycleConfiguration>";

    private static string Rule(string body, string filter = "<Filter><Prefix>logs/</Prefix></Filter>", string id = "r1", string status = "Enabled") =>
        $"<Rule><ID>{id}</ID>{filter}<Status>{status}</Status>{body}</Rule>";

    private static LifecycleConfigurationException Refused(string xml) => Assert.Throws<LifecycleConfigurationException>(() => LifecycleXml.Parse(xml));

    [Fact]
    public void The_full_rule_language_parses()
    {
        var config = LifecycleXml.Parse(Doc(
            Rule("""
                <Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
                <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>
                <Expiration><Days>365</Days></Expiration>
                <NoncurrentVersionTransition><NoncurrentDays>7</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>
                <NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays><NewerNoncurrentVersions>3</NewerNoncurrentVersions></NoncurrentVersionExpiration>
                """,
                filter: "<Filter><And><Prefix>datasets/training/</Prefix><Tag><Key>team</Key><Value>ml</Value></Tag><ObjectSizeGreaterThan>1024</ObjectSizeGreaterThan><ObjectSizeLessThan>1048576</ObjectSizeLessThan></And></Filter>"),
            Rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload>", filter: "<Prefix></Prefix>", id: "", status: "Disabled"),
            Rule("<Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>", filter: "<Filter><Tag><Key>tmp</Key><Value>1</Value></Tag></Filter>", id: "by-date")));

        Assert.Equal(3, config.Rules.Count);
        var r1 = config.Rules[0];
        Assert.Equal("r1", r1.Id);
        Assert.Equal("datasets/training/", r1.Filter.Prefix);
        Assert.Equal("ml", r1.Filter.Tags["team"]);
        Assert.Equal(1024, r1.Filter.SizeGreaterThan);
        Assert.Equal(1048576, r1.Filter.SizeLessThan);
        Assert.Equal([(30, "STANDARD_IA"), (90, "GLACIER")], r1.Transitions.Select(t => (t.Days!.Value, t.StorageClass)));
        Assert.Equal(365, r1.Expiration!.Days);
        Assert.Equal(7, r1.NoncurrentTransitions.Single().NoncurrentDays);
        Assert.Equal((30, 3), (r1.NoncurrentExpiration!.NoncurrentDays, r1.NoncurrentExpiration.NewerNoncurrentVersions!.Value));

        var r2 = config.Rules[1];
        Assert.False(r2.Enabled);
        Assert.Equal("rule-2", r2.Id);
        Assert.Equal("", r2.Filter.Prefix);
        Assert.Equal(7, r2.AbortIncompleteUploadDays);

        Assert.Equal(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero), config.Rules[2].Expiration!.Date);
        Assert.Single(config.EnabledRules, r => r.Id == "by-date");
    }

    [Theory]
    [InlineData("<Expiration><Days>0</Days></Expiration>", "'Days' for Expiration action must be a positive integer")]
    [InlineData("<Expiration><Days>-3</Days></Expiration>", "'Days' for Expiration action must be a positive integer")]
    [InlineData("<Transition><Days>-1</Days><StorageClass>GLACIER</StorageClass></Transition>", "'Days' in Transition action must be nonnegative")]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")]
    [InlineData("<NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays><NewerNoncurrentVersions>101</NewerNoncurrentVersions></NoncurrentVersionExpiration>", "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100")]
    [InlineData("<AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer")]
    [InlineData("<Expiration><Date>2030-01-01T10:00:00Z</Date></Expiration>", "'Date' must be at midnight GMT")]
    [InlineData("<Expiration><Days>3</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>", "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.")]
    [InlineData("<Transition><Days>10</Days><StorageClass>STANDARD</StorageClass></Transition>", "'StorageClass' must be one of")]
    public void Bad_numbers_dates_and_classes_are_InvalidArgument_with_S3s_message(string body, string message)
    {
        var e = Refused(Doc(Rule(body)));
        Assert.Equal(LifecycleErrorKind.InvalidArgument, e.Kind);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transitions_out_of_order_are_InvalidArgument()
    {
        var e = Refused(Doc(Rule("""
            <Transition><Days>90</Days><StorageClass>STANDARD_IA</StorageClass></Transition>
            <Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>
            """)));
        Assert.Equal(LifecycleErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("'Days' in the Transition action for StorageClass GLACIER", e.Message, StringComparison.Ordinal);
        Assert.Contains("must be greater than 'Days' in the Transition action for StorageClass STANDARD_IA", e.Message, StringComparison.Ordinal);

        var expiration = Refused(Doc(Rule("""
            <Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>
            <Expiration><Days>60</Days></Expiration>
            """)));
        Assert.Contains("'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action", expiration.Message, StringComparison.Ordinal);

        var same = Refused(Doc(Rule("""
            <Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>
            <Transition><Days>20</Days><StorageClass>GLACIER</StorageClass></Transition>
            """)));
        Assert.StartsWith("'StorageClass' must be different for 'Transition' actions in same 'Rule'", same.Message, StringComparison.Ordinal);

        var noncurrent = Refused(Doc(Rule("""
            <NoncurrentVersionTransition><NoncurrentDays>30</NoncurrentDays><StorageClass>STANDARD_IA</StorageClass></NoncurrentVersionTransition>
            <NoncurrentVersionExpiration><NoncurrentDays>30</NoncurrentDays></NoncurrentVersionExpiration>
            """)));
        Assert.Contains("'NoncurrentDays' in the NoncurrentVersionExpiration action", noncurrent.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<Lifecycle/>")]
    [InlineData("<LifecycleConfiguration></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>On</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Prefix>x</Prefix><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter><Prefix>x</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>one</Days></Expiration></Rule></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration></Rule></LifecycleConfiguration>")]
    [InlineData("<LifecycleConfiguration><Rule><ID>a</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration><Surprise/></Rule></LifecycleConfiguration>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e \"1\">]><LifecycleConfiguration/>")]
    public void Structural_problems_are_MalformedXML(string xml) =>
        Assert.Equal(LifecycleErrorKind.MalformedXML, Refused(xml).Kind);

    [Fact]
    public void Rules_need_an_action_unique_ids_and_no_tags_with_abort()
    {
        Assert.Equal(LifecycleErrorKind.InvalidRequest, Refused(Doc(Rule(""))).Kind);
        Assert.Equal("At least one action needs to be specified in a rule", Refused(Doc(Rule(""))).Message);

        var duplicate = Refused(Doc(Rule("<Expiration><Days>1</Days></Expiration>", id: "same"), Rule("<Expiration><Days>2</Days></Expiration>", id: "same")));
        Assert.Equal(LifecycleErrorKind.InvalidArgument, duplicate.Kind);
        Assert.Equal("Rule ID must be unique. Found same ID for more than one rule", duplicate.Message);

        var tagged = Refused(Doc(Rule("<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>",
            filter: "<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>")));
        Assert.Equal(LifecycleErrorKind.InvalidRequest, tagged.Kind);

        Assert.Equal(LifecycleErrorKind.InvalidArgument, Refused(Doc(Rule("<Expiration><Days>1</Days></Expiration>", id: new string('x', 256)))).Kind);
    }
}
