using ObjectStore.S3.Access.Policies;
using static ObjectStore.S3.Tests.Access.PolicyTestKit;

namespace ObjectStore.S3.Tests.Access;

public sealed class PolicyEvaluatorTests
{
    private static readonly PolicyDocument TrainingJob = Identity("""
        {"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::ml/datasets/*"},
          {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::ml/checkpoints/*"}]}
        """);

    [Theory]
    [InlineData("s3:GetObject", "arn:aws:s3:::ml/datasets/a.parquet", PolicyDecision.Allow)]
    [InlineData("s3:GetObject", "arn:aws:s3:::ml/datasets/deep/x/y", PolicyDecision.Allow)]
    [InlineData("S3:GETOBJECT", "arn:aws:s3:::ml/datasets/a", PolicyDecision.Allow)]
    [InlineData("s3:PutObject", "arn:aws:s3:::ml/checkpoints/step-1", PolicyDecision.Allow)]
    [InlineData("s3:PutObject", "arn:aws:s3:::ml/datasets/a", PolicyDecision.Implicit)]
    [InlineData("s3:GetObject", "arn:aws:s3:::ml/checkpoints/step-1", PolicyDecision.Implicit)]
    [InlineData("s3:GetObject", "arn:aws:s3:::ml/Datasets/a", PolicyDecision.Implicit)]
    [InlineData("s3:GetObject", "arn:aws:s3:::ml2/datasets/a", PolicyDecision.Implicit)]
    [InlineData("s3:DeleteObject", "arn:aws:s3:::ml/datasets/a", PolicyDecision.Implicit)]
    [InlineData("s3:ListBucket", "arn:aws:s3:::ml", PolicyDecision.Implicit)]
    public void Actions_and_resources_match_exactly_what_the_policy_names(string action, string resource, PolicyDecision expected) =>
        Assert.Equal(expected, Decide(TrainingJob, action, resource));

    [Fact]
    public void Action_wildcards_match_case_insensitively_and_resource_wildcards_take_question_marks()
    {
        var document = Statement(""" "Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/run-??/*" """);
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:GetObjectTagging", "arn:aws:s3:::b/run-01/x"));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:GetObject", "arn:aws:s3:::b/run-1/x"));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:PutObject", "arn:aws:s3:::b/run-01/x"));
    }

    [Fact]
    public void An_explicit_Deny_wins_over_an_Allow_in_the_same_or_another_policy()
    {
        var document = Identity("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::ml/*"},
              {"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::ml/datasets/*"}]}
            """);
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:DeleteObject", "arn:aws:s3:::ml/scratch/a"));
        Assert.Equal(PolicyDecision.Deny, Decide(document, "s3:DeleteObject", "arn:aws:s3:::ml/datasets/a"));
        Assert.Equal(PolicyDecision.Deny, PolicyEvaluator.Combine([PolicyDecision.Allow, PolicyDecision.Deny, PolicyDecision.Implicit]));
        Assert.Equal(PolicyDecision.Allow, PolicyEvaluator.Combine([PolicyDecision.Implicit, PolicyDecision.Allow]));
        Assert.Equal(PolicyDecision.Implicit, PolicyEvaluator.Combine([]));
    }

    [Fact]
    public void NotAction_and_NotResource_apply_to_everything_else()
    {
        var document = Identity("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","NotAction":"s3:Delete*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::ml","arn:aws:s3:::ml/*"]}]}
            """);
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:GetObject", "arn:aws:s3:::ml/a"));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:DeleteObject", "arn:aws:s3:::ml/a"));
        Assert.Equal(PolicyDecision.Deny, Decide(document, "s3:GetObject", "arn:aws:s3:::other/a"));
    }

    [Fact]
    public void Bucket_policy_principals_name_users_by_arn_the_account_or_everyone()
    {
        var document = Bucket("""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"},
              {"Effect":"Allow","Principal":{"AWS":["000000000000"]},"Action":"s3:PutObject","Resource":"arn:aws:s3:::data/*"},
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/public/*"}]}
            """);
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:GetObject", "arn:aws:s3:::data/x", principal: Alice));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:GetObject", "arn:aws:s3:::data/x", principal: Bob));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:PutObject", "arn:aws:s3:::data/x", principal: Alice));
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:PutObject", "arn:aws:s3:::data/x", principal: Root));
        Assert.Equal(PolicyDecision.Allow, Decide(document, "s3:GetObject", "arn:aws:s3:::data/public/x", principal: Anonymous));
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:GetObject", "arn:aws:s3:::data/x", principal: Anonymous));
    }

    [Fact]
    public void NotPrincipal_denies_everyone_but_the_named_user()
    {
        var document = Bucket("""
            {"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::data/secret/*"}]}
            """);
        Assert.Equal(PolicyDecision.Implicit, Decide(document, "s3:GetObject", "arn:aws:s3:::data/secret/a", principal: Alice));
        Assert.Equal(PolicyDecision.Deny, Decide(document, "s3:GetObject", "arn:aws:s3:::data/secret/a", principal: Bob));
        Assert.Equal(PolicyDecision.Deny, Decide(document, "s3:GetObject", "arn:aws:s3:::data/secret/a", principal: Anonymous));
    }

    [Fact]
    public void Policy_variables_expand_to_the_callers_name_in_2012_versions_only()
    {
        var current = Statement(""" "Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*" """);
        Assert.Equal(PolicyDecision.Allow, Decide(current, "s3:PutObject", "arn:aws:s3:::home/alice/x", principal: Alice));
        Assert.Equal(PolicyDecision.Implicit, Decide(current, "s3:PutObject", "arn:aws:s3:::home/alice/x", principal: Bob));
        var old = Identity("""{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}}""");
        Assert.Equal(PolicyDecision.Implicit, Decide(old, "s3:PutObject", "arn:aws:s3:::home/alice/x", principal: Alice));
        Assert.Equal(PolicyDecision.Allow, Decide(old, "s3:PutObject", "arn:aws:s3:::home/${aws:username}/x", principal: Alice));
    }

    [Fact]
    public void The_service_resource_matches_star_and_the_s3_wildcard_arn()
    {
        var star = Statement(""" "Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*" """);
        var arn = Statement(""" "Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*" """);
        var bucketOnly = Statement(""" "Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::ml" """);
        var service = S3Actions.ResourceArn(null, null);
        Assert.Equal(PolicyDecision.Allow, Decide(star, "s3:ListAllMyBuckets", service));
        Assert.Equal(PolicyDecision.Allow, Decide(arn, "s3:ListAllMyBuckets", service));
        Assert.Equal(PolicyDecision.Implicit, Decide(bucketOnly, "s3:ListAllMyBuckets", service));
    }
}
