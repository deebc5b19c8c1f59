using System.Security.Cryptography;
using System.Text;
using ObjectStore.S3.Auth;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Tests.Auth;

namespace ObjectStore.S3.Tests.Browser;

public sealed class PostSignatureTests
{
    private const string Credential = SigV4TestKit.AccessKey + "/20261126/us-east-1/s3/aws4_request";
    private const string Policy = "eyJleHBpcmF0aW9uIjogIjIwMjYtMTEtMjZUMDk6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbXX0=";

    /// <summary>The signature as the documented procedure computes it, written out step by step.</summary>
    private static string Sign(string secret, string policy)
    {
        static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), "20261126"), "us-east-1"), "s3"), "aws4_request");
        return Convert.ToHexStringLower(Hmac(key, policy));
    }

    private static readonly SigV4Authenticator Authenticator = SigV4TestKit.Authenticator(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_policy_signed_with_the_secret_authenticates_its_signer()
    {
        var caller = await Authenticator.AuthenticatePostPolicyAsync(new PostPolicySignature(Credential, Policy, Sign(SigV4TestKit.Secret, Policy)), CancellationToken.None);
        Assert.Equal(SigV4TestKit.AccessKey, caller.AccessKey);
    }

    [Theory]
    [InlineData("wrong secret", Policy, "SignatureDoesNotMatch")]
    [InlineData(SigV4TestKit.Secret, Policy + "x", "SignatureDoesNotMatch")]
    public async Task A_signature_over_anything_else_is_refused(string secret, string signedPolicy, string code)
    {
        var error = await Assert.ThrowsAsync<S3Exception>(async () =>
            await Authenticator.AuthenticatePostPolicyAsync(new PostPolicySignature(Credential, Policy, Sign(secret, signedPolicy)), CancellationToken.None));
        Assert.Equal(code, error.Code.Code);
    }

    [Fact]
    public async Task An_unknown_key_and_a_malformed_credential_are_refused()
    {
        var unknown = await Assert.ThrowsAsync<S3Exception>(async () =>
            await Authenticator.AuthenticatePostPolicyAsync(new PostPolicySignature("AKUNKNOWN/20261126/us-east-1/s3/aws4_request", Policy, new string('0', 64)), CancellationToken.None));
        Assert.Equal("InvalidAccessKeyId", unknown.Code.Code);
        var malformed = await Assert.ThrowsAsync<S3Exception>(async () =>
            await Authenticator.AuthenticatePostPolicyAsync(new PostPolicySignature("AKIA/yesterday", Policy, new string('0', 64)), CancellationToken.None));
        Assert.Equal("InvalidArgument", malformed.Code.Code);
        var badHex = await Assert.ThrowsAsync<S3Exception>(async () =>
            await Authenticator.AuthenticatePostPolicyAsync(new PostPolicySignature(Credential, Policy, "zz"), CancellationToken.None));
        Assert.Equal("SignatureDoesNotMatch", badHex.Code.Code);
    }
}
