namespace ObjectStore.Objects;

/// <summary>
/// A bucket's default encryption, as PutBucketEncryption sets it: the algorithm (AES256, SSE-S3: the only
/// one this server offers) and S3's BucketKeyEnabled flag (kept and returned, no effect here). The
/// protocol layer parses it from and renders it to S3's XML document, which the bucket record keeps
/// under <see cref="EncryptionKeys.EncryptionConfigurationName"/>.
/// </summary>
internal sealed record BucketEncryption(string Algorithm, bool BucketKeyEnabled)
{
    public const string Aes256 = "AES256";
}
