using System.Security.Cryptography;
using ObjectStore.Objects;
using ObjectStore.S3.Access;
using ObjectStore.Objects.Identity;
using ObjectStore.Objects.Encryption;
using ObjectStore.S3.Access.Policies;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests.Access;

public sealed class AccessPrimitivesTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything/at/all", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbd", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("datasets/*", "datasets/", true)]
    [InlineData("datasets/*", "datasets", false)]
    public void Wildcards(string pattern, string value, bool matches) =>
        Assert.Equal(matches, Wildcard.IsMatch(pattern, value));

    [Fact]
    public void Every_routed_operation_but_the_preflight_needs_an_action_and_version_ids_pick_the_version_action()
    {
        foreach (var operation in S3Router.RoutedOperations.Where(o => o != S3Operation.CorsPreflight))
            Assert.True(S3Actions.For(operation, false) is not null, $"{operation} has no IAM action");
        Assert.Equal(("s3:GetObject", ActionScope.Object), S3Actions.For(S3Operation.HeadObject, false));
        Assert.Equal(("s3:GetObjectVersion", ActionScope.Object), S3Actions.For(S3Operation.GetObject, true));
        Assert.Equal(("s3:DeleteObjectVersion", ActionScope.Object), S3Actions.For(S3Operation.DeleteObject, true));
        Assert.Equal(("s3:ListBucket", ActionScope.Bucket), S3Actions.For(S3Operation.ListObjectsV2, false));
        Assert.Equal(("s3:ListBucketVersions", ActionScope.Bucket), S3Actions.For(S3Operation.ListObjectVersions, false));
        Assert.Equal(("s3:PutObject", ActionScope.Object), S3Actions.For(S3Operation.CompleteMultipartUpload, false));
        Assert.Equal(("s3:ListMultipartUploadParts", ActionScope.Object), S3Actions.For(S3Operation.ListParts, false));
        Assert.Null(S3Actions.For(S3Operation.CorsPreflight, false));
    }

    [Theory]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", true)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", true)]
    [InlineData("""{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}""", false)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"s3:*","Resource":"arn:aws:s3:::data/*"}]}""", false)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}""", false)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}""", true)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}""", true)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b"}}}]}""", false)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}]}""", true)]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringEquals":{"s3:prefix":"a"}}}]}""", true)]
    public void Public_means_granted_to_everyone_without_a_fixing_condition(string json, bool isPublic) =>
        Assert.Equal(isPublic, PublicPolicy.IsPublic(PolicyTestKit.Bucket(json)));

    [Fact]
    public void Public_access_block_round_trips_and_enforce_overrides_the_bucket()
    {
        var block = new PublicAccessBlock(true, false, true, false);
        Assert.Equal(block, PublicAccessBlock.Parse(block.Serialize()));
        var configuration = new Dictionary<string, string> { [PublicAccessBlock.ConfigurationName] = block.Serialize() };
        Assert.Equal(block, PublicAccessBlock.Effective(configuration, PublicAccessBlockMode.NewBuckets));
        Assert.Equal(PublicAccessBlock.AllOn, PublicAccessBlock.Effective(configuration, PublicAccessBlockMode.Enforce));
        Assert.Equal(PublicAccessBlock.None, PublicAccessBlock.Effective(new Dictionary<string, string>(), PublicAccessBlockMode.NewBuckets));
    }

    [Fact]
    public void Sealed_secrets_open_only_with_the_same_master_key_and_access_key_id()
    {
        var master = RandomNumberGenerator.GetBytes(32);
        var protector = new SecretProtector(new MasterKeyRing(master));
        var sealedSecret = protector.Seal("OSKEY1", "the-secret");
        Assert.DoesNotContain("the-secret", System.Text.Encoding.UTF8.GetString(sealedSecret), StringComparison.Ordinal);
        Assert.Equal("the-secret", protector.Open("OSKEY1", sealedSecret));
        Assert.NotEqual(sealedSecret, protector.Seal("OSKEY1", "the-secret")); // a fresh nonce each time
        Assert.ThrowsAny<CryptographicException>(() => protector.Open("OSKEY2", sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => new SecretProtector(new MasterKeyRing(RandomNumberGenerator.GetBytes(32))).Open("OSKEY1", sealedSecret));
        sealedSecret[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Open("OSKEY1", sealedSecret));
    }

    [Fact]
    public void Generated_keys_and_names_follow_their_formats()
    {
        var id = IdentityService.NewAccessKeyId();
        Assert.Equal(20, id.Length);
        Assert.True(id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)));
        Assert.Equal(40, IdentityService.NewSecret().Length);
        Assert.NotEqual(IdentityService.NewSecret(), IdentityService.NewSecret());
        Assert.True(IdentityService.IsValidUserName("training-job.v2@team"));
        Assert.False(IdentityService.IsValidUserName("has/slash"));
        Assert.False(IdentityService.IsValidUserName(new string('a', 65)));
    }
}
