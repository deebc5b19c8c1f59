using ObjectStore.S3.Access.Policies;
using static ObjectStore.S3.Tests.Access.PolicyTestKit;

namespace ObjectStore.S3.Tests.Access;

public sealed class ConditionTests
{
    private static PolicyDecision WithCondition(string condition, IReadOnlyDictionary<string, string>? values) =>
        Decide(Statement(""" "Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{""" + condition + "}"), "s3:ListBucket", "arn:aws:s3:::ml", values);

    private static Dictionary<string, string> V(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).ToDictionary(i => pairs[2 * i], i => pairs[2 * i + 1]);

    [Theory]
    [InlineData(""" "StringEquals":{"s3:prefix":"datasets/"} """, "datasets/", true)]
    [InlineData(""" "StringEquals":{"s3:prefix":"datasets/"} """, "Datasets/", false)]
    [InlineData(""" "StringEqualsIgnoreCase":{"s3:prefix":"datasets/"} """, "Datasets/", true)]
    [InlineData(""" "StringNotEquals":{"s3:prefix":["a/","b/"]} """, "c/", true)]
    [InlineData(""" "StringNotEquals":{"s3:prefix":["a/","b/"]} """, "b/", false)]
    [InlineData(""" "StringLike":{"s3:prefix":["datasets/*","shared/*"]} """, "shared/x/y", true)]
    [InlineData(""" "StringLike":{"s3:prefix":"datasets/*"} """, "checkpoints/", false)]
    [InlineData(""" "StringNotLike":{"s3:prefix":"private/*"} """, "private/x", false)]
    [InlineData(""" "StringNotLike":{"s3:prefix":"private/*"} """, "public/x", true)]
    public void String_operators(string condition, string prefix, bool allowed) =>
        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.Implicit, WithCondition(condition, V("s3:prefix", prefix)));

    [Theory]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"127.0.0.0/8"} """, "127.0.0.1", true)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.1.7"]} """, "192.168.1.7", true)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, "11.0.0.1", false)]
    [InlineData(""" "NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, "11.0.0.1", true)]
    [InlineData(""" "NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, "10.9.9.9", false)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"2001:db8::/32"} """, "2001:db8:1::5", true)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"2001:db8::/32"} """, "2001:db9::5", false)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, "::ffff:10.1.2.3", true)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, "2001:db8::1", false)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"10.1.2.0/23"} """, "10.1.3.255", true)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"10.1.2.0/23"} """, "10.1.4.0", false)]
    public void Ip_address_operators_over_v4_and_v6(string condition, string ip, bool allowed) =>
        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.Implicit, WithCondition(condition, V("aws:sourceip", ip)));

    [Theory]
    [InlineData(""" "NumericLessThanEquals":{"s3:max-keys":"10"} """, "10", true)]
    [InlineData(""" "NumericLessThan":{"s3:max-keys":"10"} """, "10", false)]
    [InlineData(""" "NumericGreaterThan":{"s3:max-keys":"10"} """, "11", true)]
    [InlineData(""" "NumericEquals":{"s3:max-keys":"10"} """, "not-a-number", false)]
    [InlineData(""" "NumericNotEquals":{"s3:max-keys":"10"} """, "9", true)]
    [InlineData(""" "DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"} """, "2026-11-26T04:00:00Z", true)]
    [InlineData(""" "DateGreaterThan":{"aws:CurrentTime":"2027-01-01"} """, "2026-11-26T04:00:00Z", false)]
    [InlineData(""" "DateGreaterThanEquals":{"aws:CurrentTime":"1798761600"} """, "2027-01-01T00:00:00Z", true)]
    [InlineData(""" "Bool":{"aws:SecureTransport":"true"} """, "false", false)]
    [InlineData(""" "Bool":{"aws:SecureTransport":false} """, "false", true)]
    public void Numeric_date_and_bool_operators(string condition, string value, bool allowed)
    {
        var key = condition.Contains("max-keys", StringComparison.Ordinal) ? "s3:max-keys" : condition.Contains("CurrentTime", StringComparison.Ordinal) ? "aws:currenttime" : "aws:securetransport";
        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.Implicit, WithCondition(condition, V(key, value)));
    }

    [Theory]
    [InlineData(""" "StringEquals":{"s3:prefix":"a/"} """, false)]
    [InlineData(""" "StringNotEquals":{"s3:prefix":"a/"} """, true)]
    [InlineData(""" "StringEqualsIfExists":{"s3:prefix":"a/"} """, true)]
    [InlineData(""" "IpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, false)]
    [InlineData(""" "NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"} """, true)]
    [InlineData(""" "Null":{"s3:prefix":"true"} """, true)]
    [InlineData(""" "Null":{"s3:prefix":"false"} """, false)]
    [InlineData(""" "ForAllValues:StringEquals":{"s3:prefix":"a/"} """, true)]
    [InlineData(""" "ForAnyValue:StringEquals":{"s3:prefix":"a/"} """, false)]
    public void A_key_absent_from_the_request(string condition, bool allowed) =>
        Assert.Equal(allowed ? PolicyDecision.Allow : PolicyDecision.Implicit, WithCondition(condition, null));

    [Fact]
    public void Keys_in_one_operator_and_operators_in_one_block_must_all_hold()
    {
        const string condition = """ "StringEquals":{"s3:prefix":"a/","s3:delimiter":"/"},"NumericLessThanEquals":{"s3:max-keys":"100"} """;
        Assert.Equal(PolicyDecision.Allow, WithCondition(condition, V("s3:prefix", "a/", "s3:delimiter", "/", "s3:max-keys", "50")));
        Assert.Equal(PolicyDecision.Implicit, WithCondition(condition, V("s3:prefix", "a/", "s3:delimiter", "/", "s3:max-keys", "500")));
        Assert.Equal(PolicyDecision.Implicit, WithCondition(condition, V("s3:prefix", "a/", "s3:max-keys", "50")));
    }

    [Fact]
    public void Condition_keys_are_case_insensitive_and_existing_object_tags_are_keys_too()
    {
        var document = Statement(""" "Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/Team":"vision"}} """);
        Assert.Contains("s3:existingobjecttag/team", document.ConditionKeys);
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:GetObject", "arn:aws:s3:::ml/a", V("s3:existingobjecttag/team", "vision")));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:GetObject", "arn:aws:s3:::ml/a", V("s3:existingobjecttag/team", "speech")));
    }

    [Fact]
    public void A_Deny_with_a_condition_only_denies_when_it_holds()
    {
        var document = Identity("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}}]}
            """);
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:GetObject", "arn:aws:s3:::ml/a", V("aws:sourceip", "127.0.0.1")));
        Assert.Equal(PolicyDecision.Deny, Decide(document, "s3:GetObject", "arn:aws:s3:::ml/a", V("aws:sourceip", "203.0.113.9")));
    }
}
