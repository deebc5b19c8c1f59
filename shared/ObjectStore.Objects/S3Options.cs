namespace ObjectStore.Objects;

/// <summary>Settings of the S3 protocol layer.</summary>
public sealed class S3Options
{
    /// <summary>The region this endpoint answers for, and the default region of new buckets.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// Base domain for virtual-hosted-style addressing (<c>bucket.s3.local</c> with
    /// <c>BaseDomain = "s3.local"</c>). Null or empty: path-style only.
    /// </summary>
    public string? BaseDomain { get; set; }

    /// <summary>Canonical user id reported as Owner of buckets and objects.</summary>
    public string OwnerId { get; set; } = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";

    public string OwnerDisplayName { get; set; } = "objectstore";

    /// <summary>Largest body a single PutObject accepts (S3: 5 GiB).</summary>
    public long MaxSinglePutSize { get; set; } = 5L * 1024 * 1024 * 1024;

    /// <summary>Smallest size of a multipart part other than the last (S3: 5 MiB; lower only in tests).</summary>
    public long MinPartSize { get; set; } = 5L * 1024 * 1024;

    /// <summary>The account id of principal ARNs (<c>arn:aws:iam::{AccountId}:user/{name}</c>): 12 digits.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>How the server-wide public access block applies (default: new buckets start fully blocked).</summary>
    public PublicAccessBlockMode PublicAccessBlock { get; set; } = PublicAccessBlockMode.NewBuckets;

    /// <summary>
    /// The Object Ownership new buckets get (OBJECTSTORE_DEFAULT_OBJECT_OWNERSHIP) unless CreateBucket sends
    /// x-amz-object-ownership: ObjectWriter (ACLs apply, as in S3 before April 2023 and in self-hosted
    /// servers, so tools that set x-amz-acl keep working), BucketOwnerPreferred, or BucketOwnerEnforced
    /// (ACLs disabled, S3's default since April 2023).
    /// </summary>
    public ObjectOwnership DefaultObjectOwnership { get; set; } = ObjectOwnership.ObjectWriter;

    /// <summary>
    /// Server-wide default encryption of new objects in buckets without their own encryption
    /// configuration: false (OBJECTSTORE_DEFAULT_ENCRYPTION=off) or true (AES256, SSE-S3).
    /// </summary>
    public bool DefaultEncryption { get; set; }

    /// <summary>
    /// Objects of at most this many bytes (plaintext) are stored in their version's index row instead of
    /// shard files (OBJECTSTORE_INLINE_MAX_BYTES; 0 turns inlining off). At most <see cref="MaxInlineMaxBytes"/>,
    /// so the sealed bytes of an encrypted object still fit one Table binary property. See docs/index-schema.md.
    /// </summary>
    public int InlineMaxBytes { get; set; } = DefaultInlineMaxBytes;

    public const int DefaultInlineMaxBytes = 16 * 1024;

    /// <summary>The largest threshold whose sealed form (one 16-byte tag per 64 KiB block) fits <see cref="Index.InlineLayout.MaxStoredBytes"/>.</summary>
    public const int MaxInlineMaxBytes = Index.InlineLayout.MaxStoredBytes - Encryption.BlockFormat.TagSize;

    /// <summary>
    /// How long this instance reuses a bucket record it read (OBJECTSTORE_BUCKET_CACHE_SECONDS; zero: no
    /// cache). This instance's own changes to a bucket refresh it at once; other instances see them within this time.
    /// </summary>
    public TimeSpan BucketCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Returns the first problem with these settings, or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(Region)) return "S3Options.Region must be set.";
        if (string.IsNullOrWhiteSpace(OwnerId)) return "S3Options.OwnerId must be set.";
        if (MaxSinglePutSize <= 0) return "S3Options.MaxSinglePutSize must be positive.";
        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit)) return "S3Options.AccountId must be 12 digits.";
        if (MinPartSize < 0) return "S3Options.MinPartSize must not be negative.";
        if (InlineMaxBytes is < 0 or > MaxInlineMaxBytes) return $"S3Options.InlineMaxBytes must be between 0 and {MaxInlineMaxBytes}.";
        if (BucketCacheLifetime < TimeSpan.Zero) return "S3Options.BucketCacheLifetime must not be negative.";
        if (!string.IsNullOrEmpty(BaseDomain) && (BaseDomain.StartsWith('.') || BaseDomain.Contains(':') || BaseDomain.Contains('/')))
            return "S3Options.BaseDomain must be a host name without port, e.g. 's3.local'.";
        return null;
    }
}
