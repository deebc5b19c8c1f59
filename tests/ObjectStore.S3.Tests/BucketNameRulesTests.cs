using ObjectStore.Objects;

namespace ObjectStore.S3.Tests;

public sealed class BucketNameRulesTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("my-bucket")]
    [InlineData("my.bucket.name")]
    [InlineData("123bucket")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    [InlineData("admins")]
    public void Valid_names_are_accepted(string name) => Assert.Null(BucketNameRules.Validate(name));

    [Theory]
    [InlineData("ab", "between 3 and 63")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", "between 3 and 63")]
    [InlineData("MyBucket", "lowercase")]
    [InlineData("my_bucket", "lowercase")]
    [InlineData("-bucket", "begin and end")]
    [InlineData("bucket-", "begin and end")]
    [InlineData("my..bucket", "adjacent periods")]
    [InlineData("my.-bucket", "period next to a hyphen")]
    [InlineData("192.168.5.4", "IP address")]
    [InlineData("xn--bucket", "xn--")]
    [InlineData("sthree-bucket", "sthree-")]
    [InlineData("bucket-s3alias", "-s3alias")]
    [InlineData("bucket--ol-s3", "--ol-s3")]
    public void Invalid_names_are_refused_with_the_reason(string name, string reason)
    {
        var message = BucketNameRules.Validate(name);
        Assert.NotNull(message);
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("runtime")]
    public void Names_the_functions_host_keeps_are_reserved(string name)
    {
        var message = BucketNameRules.Validate(name);
        Assert.NotNull(message);
        Assert.Contains("reserved", message, StringComparison.Ordinal);
        Assert.Contains("Azure Functions", message, StringComparison.Ordinal);
    }
}
