using ObjectStore.S3.Access.Policies;

namespace ObjectStore.S3.Tests.Access;

public sealed class PolicyParserTests
{
    private static string? Error(string json, PolicyKind kind = PolicyKind.Bucket, string bucket = "data") =>
        PolicyParser.TryParse(json, kind, bucket, out _, out var error) ? null : error;

    private const string Ok = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""";

    [Fact]
    public void A_valid_bucket_policy_parses_with_lower_case_actions()
    {
        var document = PolicyTestKit.Bucket(Ok);
        var statement = Assert.Single(document.Statements);
        Assert.Equal(PolicyEffect.Allow, statement.Effect);
        Assert.Equal(["s3:getobject"], statement.Actions);
        Assert.Equal(["*"], statement.Principals!);
    }

    [Fact]
    public void A_single_statement_object_is_accepted_like_an_array_of_one()
    {
        var document = PolicyTestKit.Identity("""{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":["s3:Get*","s3:List*"],"Resource":"*"}}""");
        Assert.Equal(PolicyEffect.Deny, Assert.Single(document.Statements).Effect);
    }

    [Theory]
    [InlineData("not json", "This policy contains invalid Json")]
    [InlineData("[1,2]", "This policy contains invalid Json")]
    [InlineData("""{"Version":"2012-10-17"}""", "Missing required field Statement")]
    [InlineData("""{"Version":"2020-01-01","Statement":[]}""", "The policy must contain a valid version string")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", "Invalid effect: Maybe")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", "Missing required field Effect")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", "Missing required field Principal")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Resource":"arn:aws:s3:::data/*"}]}""", "Missing required field Action")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}""", "Missing required field Resource")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Fly","Resource":"arn:aws:s3:::data/*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::data/*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}""", "Policy has invalid resource")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"data/*"}]}""", "Policy has invalid resource")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringSorta":{"s3:prefix":"a"}}}]}""", "Invalid Condition type : StringSorta")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}}}]}""", "Invalid value for condition IpAddress: 10.0.0.300/8")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Colour":"blue"}]}""", "Unknown field Colour")]
    public void Invalid_bucket_policies_are_refused_with_S3s_message(string json, string message) =>
        Assert.Equal(message, Error(json));

    [Fact]
    public void Identity_policies_must_not_name_a_principal_and_need_no_bucket()
    {
        Assert.Equal("Policy document should not specify a principal.", Error(Ok, PolicyKind.Identity));
        Assert.Null(Error("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::any-bucket/*"}]}""", PolicyKind.Identity));
    }

    [Fact]
    public void Bucket_policy_resources_may_use_wildcards_that_can_name_this_bucket()
    {
        Assert.Null(Error("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::da*","arn:aws:s3:::data/x/*"]}]}"""));
        Assert.Equal("Policy has invalid resource", Error("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::x*"}]}"""));
    }

    [Fact]
    public void Condition_operators_with_IfExists_and_set_prefixes_parse()
    {
        var document = PolicyTestKit.Identity("""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{
              "StringLikeIfExists":{"s3:prefix":["a/*","b/*"]},
              "ForAnyValue:StringEquals":{"aws:username":"alice"},
              "NumericLessThanEquals":{"s3:max-keys":10},
              "Bool":{"aws:SecureTransport":false}}}]}
            """);
        var conditions = Assert.Single(document.Statements).Conditions;
        Assert.Equal(4, conditions.Count);
        Assert.Contains(conditions, c => c is { Operator: "StringLike", IfExists: true, Key: "s3:prefix" } && c.Values.Count == 2);
        Assert.Contains(conditions, c => c is { Operator: "StringEquals", Set: ConditionSet.ForAnyValue });
        Assert.Contains(conditions, c => c is { Operator: "NumericLessThanEquals" } && c.Values[0] == "10");
        Assert.Contains(conditions, c => c is { Operator: "Bool" } && c.Values[0] == "false");
    }
}
