namespace ObjectStore.S3.Auth;

/// <summary>Settings of <see cref="SigV4Authenticator"/>.</summary>
public sealed record SigV4AuthenticatorOptions
{
    /// <summary>
    /// The only region clients may sign with, or null (the default) to accept any region string a
    /// client signs with (clients configured for "us-east-1", "auto" or a custom name all work).
    /// </summary>
    public string? Region { get; init; }

    /// <summary>How far the request time may be from the server clock (S3: 15 minutes).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest X-Amz-Expires a presigned URL may ask for (S3: 7 days).</summary>
    public TimeSpan MaxPresignedExpiry { get; init; } = TimeSpan.FromSeconds(604800);

    /// <summary>Accept Signature Version 2 (header, presigned query, POST form); false answers them as S3 answers an unsupported mechanism.</summary>
    public bool SignatureV2 { get; init; } = true;

    /// <summary>The virtual-host base domain: a V2 canonical resource starts with the bucket a Host header names.</summary>
    public string? BaseDomain { get; init; }
}
