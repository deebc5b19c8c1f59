using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests;

public sealed class AddressingTests
{
    [Theory]
    [InlineData("/", null, null)]
    [InlineData("/bucket", "bucket", null)]
    [InlineData("/bucket/", "bucket", null)]
    [InlineData("/bucket/key", "bucket", "key")]
    [InlineData("/bucket/a/b/c.txt", "bucket", "a/b/c.txt")]
    [InlineData("/bucket/a%20b", "bucket", "a b")]
    [InlineData("/bucket/a+b", "bucket", "a+b")]
    [InlineData("/bucket/a%2Bb", "bucket", "a+b")]
    [InlineData("/bucket/%E2%82%AC", "bucket", "€")]
    [InlineData("/bucket/dir%2Ffile", "bucket", "dir/file")]
    [InlineData("/bucket//double", "bucket", "/double")]
    [InlineData("/bucket/k?tagging", "bucket", "k")]
    [InlineData("http://host:9000/bucket/k?x=1", "bucket", "k")]
    public void Path_style_decodes_bucket_and_key_from_the_raw_target(string raw, string? bucket, string? key)
    {
        var r = S3Addressing.Resolve("localhost:9000", raw, "s3.local");
        Assert.Equal(bucket, r.Bucket);
        Assert.Equal(key, r.Key);
        Assert.False(r.VirtualHosted);
    }

    [Theory]
    [InlineData("photos.s3.local", "/", "photos", null)]
    [InlineData("photos.s3.local:9000", "/a%20b/c", "photos", "a b/c")]
    [InlineData("my.dotted.bucket.s3.local", "/k", "my.dotted.bucket", "k")]
    [InlineData("s3.local:9000", "/bucket/k", "bucket", "k")]
    [InlineData("127.0.0.1:9000", "/bucket/k", "bucket", "k")]
    public void Virtual_hosted_style_takes_the_bucket_from_the_host(string host, string raw, string bucket, string? key)
    {
        var r = S3Addressing.Resolve(host, raw, "s3.local");
        Assert.Equal(bucket, r.Bucket);
        Assert.Equal(key, r.Key);
    }

    [Fact]
    public void Without_a_base_domain_addressing_is_path_style()
    {
        var r = S3Addressing.Resolve("photos.s3.local", "/bucket/k", null);
        Assert.Equal("bucket", r.Bucket);
        Assert.Equal("k", r.Key);
    }

    [Fact]
    public void Key_of_1024_bytes_is_accepted_and_1025_is_KeyTooLong()
    {
        Assert.Equal(1024, S3Addressing.DecodeKey(new string('a', 1024)).Length);
        var ex = Assert.Throws<S3Exception>(() => S3Addressing.DecodeKey(new string('a', 1025)));
        Assert.Equal(S3Errors.KeyTooLongError, ex.Code);
    }

    [Fact]
    public void Key_length_counts_utf8_bytes()
    {
        // 342 three-byte characters = 1026 bytes.
        var ex = Assert.Throws<S3Exception>(() => S3Addressing.DecodeKey(new string('€', 342)));
        Assert.Equal(S3Errors.KeyTooLongError, ex.Code);
    }

    [Theory]
    [InlineData("/bucket/bad%zz")]
    [InlineData("/bucket/bad%4")]
    [InlineData("/bucket/%FF%FE")]
    public void Bad_escapes_and_invalid_utf8_are_InvalidURI(string raw)
    {
        var ex = Assert.Throws<S3Exception>(() => S3Addressing.Resolve("h", raw, null));
        Assert.Equal(S3Errors.InvalidURI, ex.Code);
    }

    [Fact]
    public void Bucket_segment_with_odd_characters_is_InvalidBucketName()
    {
        var ex = Assert.Throws<S3Exception>(() => S3Addressing.Resolve("h", "/bu%23cket/k", null));
        Assert.Equal(S3Errors.InvalidBucketName, ex.Code);
    }
}
