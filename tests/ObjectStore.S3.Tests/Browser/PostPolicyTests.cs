using System.Text;
using ObjectStore.S3.Browser;

namespace ObjectStore.S3.Tests.Browser;

public sealed class PostPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private const string Bucket = "uploads-bucket";

    private static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    private static PostPolicy Parse(string conditions, string expiration = "2026-11-26T08:10:00.000Z")
    {
        Assert.True(PostPolicy.TryParse(Encode($$"""{"expiration": "{{expiration}}", "conditions": [{{conditions}}]}"""), out var policy, out var error), error);
        return policy!;
    }

    private static Dictionary<string, string> Form(params (string Name, string Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value);

    [Fact]
    public void Every_condition_form_parses_with_field_names_lower_cased()
    {
        var policy = Parse("""{"bucket": "b"}, ["eq", "$Key", "a"], ["starts-with", "$Content-Type", "image/"], ["content-length-range", 10, "2048"], {"success_action_status": 201}""");
        Assert.Equal(
            [
                new PostCondition(PostConditionKind.Equals, "bucket", "b"),
                new PostCondition(PostConditionKind.Equals, "key", "a"),
                new PostCondition(PostConditionKind.StartsWith, "content-type", "image/"),
                new PostCondition(PostConditionKind.ContentLengthRange, "content-length", "", 10, 2048),
                new PostCondition(PostConditionKind.Equals, "success_action_status", "201"),
            ],
            policy.Conditions);
        Assert.Equal((10L, 2048L), policy.ContentLengthRange);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 10, 0, TimeSpan.Zero), policy.Expiration);
    }

    [Theory]
    [InlineData("not base64 !", "Invalid Base64")]
    [InlineData("eyJleHBpcmF0aW9uIjo=", "Invalid JSON")]
    public void Undecodable_policies_are_refused(string encoded, string message)
    {
        Assert.False(PostPolicy.TryParse(encoded, out _, out var error));
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("""{"conditions": []}""", "missing expiration")]
    [InlineData("""{"expiration": "tomorrow", "conditions": []}""", "Invalid 'expiration'")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z"}""", "missing conditions")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": {}}""", "Invalid 'conditions'")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [["eq", "key", "a"]]}""", "Invalid eq Condition")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [["matches", "$key", "a"]]}""", "unknown operation")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [["eq", "$key"]]}""", "Invalid Condition")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [["content-length-range", 10, 5]]}""", "content-length-range")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [["content-length-range", -1, 5]]}""", "content-length-range")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [{}]}""", "exactly one property")]
    [InlineData("""{"expiration": "2026-11-26T08:10:00Z", "conditions": [{"key": ["a"]}]}""", "Simple-Condition")]
    [InlineData("""["expiration"]""", "Invalid JSON")]
    public void Invalid_documents_and_conditions_are_refused_with_a_reason(string json, string message)
    {
        Assert.False(PostPolicy.TryParse(Encode(json), out _, out var error));
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_form_that_meets_every_condition_passes()
    {
        var policy = Parse("""{"bucket": "uploads-bucket"}, ["starts-with", "$key", "user/"], {"acl": "private"}, ["starts-with", "$Content-Type", "image/"], {"x-amz-meta-uuid": "14365"}, ["starts-with", "$x-amz-meta-tag", ""], {"x-amz-algorithm": "AWS4-HMAC-SHA256"}""");
        var form = Form(("key", "user/photo.jpg"), ("acl", "private"), ("content-type", "image/jpeg"), ("x-amz-meta-uuid", "14365"),
            ("x-amz-meta-tag", "anything"), ("x-amz-algorithm", "AWS4-HMAC-SHA256"), ("policy", "..."), ("x-amz-signature", "..."), ("x-ignore-note", "free"));
        Assert.Null(policy.Check(form, Bucket, Now));
    }

    [Fact]
    public void An_expired_policy_is_refused_whatever_the_form() =>
        Assert.Equal("Invalid according to Policy: Policy expired.", Parse("", "2026-11-26T07:59:59Z").Check(Form(), Bucket, Now));

    [Theory]
    [InlineData("""["eq", "$key", "exact"]""", "key", "exact", true)]
    [InlineData("""["eq", "$key", "exact"]""", "key", "Exact", false)]
    [InlineData("""{"key": "exact"}""", "key", "exactly", false)]
    [InlineData("""["starts-with", "$key", "uploads/"]""", "key", "uploads/a.bin", true)]
    [InlineData("""["starts-with", "$key", "uploads/"]""", "key", "other/uploads/a.bin", false)]
    [InlineData("""["starts-with", "$key", ""]""", "key", "anything", true)]
    [InlineData("""["starts-with", "$Content-Type", "image/"]""", "content-type", "image/png", true)]
    [InlineData("""["starts-with", "$Content-Type", "image/"]""", "content-type", "image/png, image/gif", true)]
    [InlineData("""["starts-with", "$Content-Type", "image/"]""", "content-type", "image/png, text/html", false)]
    [InlineData("""["starts-with", "$x-amz-meta-owner", "team-"]""", "x-amz-meta-owner", "team-a", true)]
    [InlineData("""["starts-with", "$x-amz-meta-owner", "team-"]""", "x-amz-meta-owner", "me", false)]
    [InlineData("""{"success_action_status": "201"}""", "success_action_status", "201", true)]
    [InlineData("""{"success_action_status": "201"}""", "success_action_status", "200", false)]
    [InlineData("""{"success_action_redirect": "http://127.0.0.1/done"}""", "success_action_redirect", "http://127.0.0.1/done", true)]
    public void Each_condition_holds_or_fails_on_its_field(string condition, string field, string value, bool holds)
    {
        var refusal = Parse(condition).Check(Form((field, value)), Bucket, Now);
        if (holds)
            Assert.Null(refusal);
        else
            Assert.StartsWith("Invalid according to Policy: Policy Condition failed: [", refusal);
    }

    [Fact]
    public void A_condition_on_an_absent_field_fails_unless_it_allows_anything()
    {
        Assert.Equal("""Invalid according to Policy: Policy Condition failed: ["eq", "$acl", "public-read"]""",
            Parse("""{"acl": "public-read"}""").Check(Form(), Bucket, Now));
        Assert.NotNull(Parse("""["starts-with", "$key", "a"]""").Check(Form(), Bucket, Now));
        Assert.Null(Parse("""["starts-with", "$x-amz-meta-tag", ""]""").Check(Form(), Bucket, Now));
    }

    [Fact]
    public void The_bucket_condition_is_checked_against_the_addressed_bucket()
    {
        var policy = Parse("""{"bucket": "uploads-bucket"}""");
        Assert.Null(policy.Check(Form(), Bucket, Now));
        Assert.Equal("""Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "uploads-bucket"]""", policy.Check(Form(), "other-bucket", Now));
    }

    [Fact]
    public void Fields_no_condition_names_are_extra_input_fields_except_the_exempt_ones()
    {
        var policy = Parse("""["starts-with", "$key", ""]""");
        Assert.Null(policy.Check(Form(("key", "k"), ("policy", "p"), ("x-amz-signature", "s"), ("x-ignore-anything", "x")), Bucket, Now));
        Assert.Equal("Invalid according to Policy: Extra input fields: content-type, x-amz-meta-a",
            policy.Check(Form(("key", "k"), ("x-amz-meta-a", "1"), ("content-type", "text/plain")), Bucket, Now));
    }

    [Fact]
    public void Key_conditions_see_the_key_after_filename_substitution()
    {
        // The handler substitutes ${filename} before checking, as S3 does: what is checked is the key that will be written.
        var policy = Parse("""["starts-with", "$key", "uploads/"]""");
        var key = "uploads/${filename}".Replace("${filename}", "cat.png", StringComparison.Ordinal);
        Assert.Null(policy.Check(Form(("key", key)), Bucket, Now));
        Assert.NotNull(policy.Check(Form(("key", "${filename}".Replace("${filename}", "cat.png", StringComparison.Ordinal))), Bucket, Now));
    }

    [Fact]
    public void Without_a_content_length_range_there_is_no_size_limit_from_the_policy() =>
        Assert.Null(Parse("""["starts-with", "$key", ""]""").ContentLengthRange);
}
