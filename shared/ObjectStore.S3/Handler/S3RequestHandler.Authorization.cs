using System.Globalization;
using ObjectStore.Index;
using ObjectStore.Objects.Identity;
using ObjectStore.Objects;
using ObjectStore.S3.Access;
using ObjectStore.S3.Access.Policies;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>A bucket's policy and public access block as one request's authorization read them.</summary>
internal sealed record BucketAccess(BucketRecord? Bucket, PolicyDocument? Policy, bool PolicyIsPublic, PublicAccessBlock Block);

public sealed partial class S3RequestHandler
{
    /// <summary>
    /// Authorizes the routed operation (AccessDenied when refused): the root key may do anything; a user
    /// what its identity policies, the bucket policy or an ACL grant allow, unless a policy denies; anonymous
    /// callers only what the bucket policy grants to "*" or an ACL grants to AllUsers, and nothing of a public
    /// policy when RestrictPublicBuckets is on (nor of a public ACL grant when IgnorePublicAcls is on).
    /// A copy also needs s3:GetObject on its source. DeleteObjects authorizes each key on its own.
    /// PostObject is authorized once its form is read (the key and the signer are in it).
    /// </summary>
    private async Task AuthorizeAsync(S3Call call, S3Operation operation)
    {
        if (call.Caller.Kind == PrincipalKind.Root || operation is S3Operation.DeleteObjects or S3Operation.PostObject)
            return; // PostObject: the signer and the key are in the form, authorized by PostObjectAsync
        if (operation is S3Operation.PutObjectRetention or S3Operation.PutObjectLegalHold)
            return; // authorized by ObjectLockHandler once the body gives the s3:object-lock-* condition values
        var versionId = call.Route.VersionId;
        if (S3Actions.For(operation, versionId is not null) is not var (action, scope))
            return; // nothing to authorize (a CORS preflight carries no credentials)
        var key = scope == ActionScope.Object ? call.Resource.Key : null;
        var bucket = scope == ActionScope.Service ? null : call.Resource.Bucket;
        await RequireAsync(call, action, bucket, key, versionId, call.Aborted);

        if (operation is S3Operation.CopyObject or S3Operation.UploadPartCopy)
        {
            var (sourceBucket, sourceKey, sourceVersion) = ObjectsHandler.ParseCopySource(call.Route.CopySource ?? "");
            await RequireAsync(call, sourceVersion is null ? "s3:GetObject" : "s3:GetObjectVersion", sourceBucket, sourceKey, sourceVersion, call.Aborted);
        }
    }

    /// <summary>Throws AccessDenied unless the caller may do <paramref name="action"/> on the bucket or key.</summary>
    private async Task RequireAsync(S3Call call, string action, string? bucket, string? key, string? versionId, CancellationToken cancellationToken)
    {
        if (call.Caller.Kind == PrincipalKind.Root)
            return;
        if (!await IsAllowedAsync(call, action, bucket, key, versionId, cancellationToken))
        {
            // Bucket names are not secret in S3: a bucket that does not exist is NoSuchBucket to anyone (but CreateBucket).
            if (bucket is not null && call.Operation is not S3Operation.CreateBucket
                && call.BucketAccess.TryGetValue(bucket, out var access) && access is { Bucket: null })
                throw S3Errors.NoSuchBucketError(bucket);
            Log.AccessDenied(_logger, call.RequestId, call.Caller.UserName ?? "anonymous", action, S3Actions.ResourceArn(bucket, key));
            throw new S3Exception(S3Errors.AccessDenied, resource: key is null ? call.ResourceName : $"/{bucket}/{key}");
        }
    }

    private async Task<bool> IsAllowedAsync(S3Call call, string action, string? bucket, string? key, string? versionId, CancellationToken cancellationToken)
    {
        var caller = call.Caller;
        var identity = caller.Kind == PrincipalKind.User ? IdentityPolicies(call) : [];
        var access = bucket is null ? null : await LoadBucketAccessAsync(call, bucket);
        if (identity.Count == 0 && access?.Policy is null)
            return access is not null && await AclAllowsAsync(call, access, action, key, versionId, cancellationToken); // no policy: only an ACL can allow it

        IReadOnlyDictionary<string, string>? tags = null;
        var documents = access?.Policy is { } bucketPolicy ? identity.Append(bucketPolicy) : identity;
        if (key is not null && bucket is not null
            && documents.Any(d => d.ConditionKeys.Any(k => k.StartsWith(ExistingObjectTagKey, StringComparison.Ordinal))))
            tags = (await VersionForAuthorizationAsync(call, bucket, key, versionId, cancellationToken))?.Tags;

        var principal = new PolicyPrincipal(caller.Kind, _options.AccountId, caller.UserName, caller.UserId);
        var request = new PolicyRequest(action, S3Actions.ResourceArn(bucket, key), principal, name => ConditionValue(call, name, tags));
        var decisions = identity.Select(d => PolicyEvaluator.Evaluate(d, request)).ToList();
        if (access?.Policy is { } policy)
        {
            // RestrictPublicBuckets: a public policy grants nothing to anonymous callers (users of this account keep their grants).
            Func<PolicyStatement, bool>? filter = caller.Kind == PrincipalKind.Anonymous && access.Block.RestrictPublicBuckets && access.PolicyIsPublic
                ? statement => !PublicPolicy.IsPublic(statement)
                : null;
            decisions.Add(PolicyEvaluator.Evaluate(policy, request, filter));
        }
        return PolicyEvaluator.Combine(decisions) switch
        {
            PolicyDecision.Allow => true,
            PolicyDecision.Deny => false, // an explicit Deny wins over any ACL grant
            _ => access is not null && await AclAllowsAsync(call, access, action, key, versionId, cancellationToken),
        };
    }

    private const string ExistingObjectTagKey = "s3:existingobjecttag/";

    /// <summary>The request's value of a condition key (names lower case); null when the request has none.</summary>
    private IReadOnlyList<string>? ConditionValue(S3Call call, string name, IReadOnlyDictionary<string, string>? tags)
    {
        var caller = call.Caller;
        string? value = name switch
        {
            "aws:sourceip" => call.Context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null,
            "aws:securetransport" => call.Request.IsHttps ? "true" : "false",
            "aws:currenttime" => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "aws:epochtime" => _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "aws:username" => caller.UserName,
            "aws:userid" => caller.Kind switch { PrincipalKind.User => caller.UserId, PrincipalKind.Root => _options.AccountId, _ => "anonymous" },
            "aws:principaltype" => caller.Kind switch { PrincipalKind.User => "User", PrincipalKind.Root => "Account", _ => "Anonymous" },
            "aws:principalarn" => caller.Kind == PrincipalKind.Anonymous ? null : new PolicyPrincipal(caller.Kind, _options.AccountId, caller.UserName).Arn,
            "aws:useragent" => call.Header("User-Agent"),
            "aws:referer" => call.Header("Referer"),
            "s3:prefix" => call.QueryValue("prefix"),
            "s3:delimiter" => call.QueryValue("delimiter"),
            "s3:max-keys" => call.QueryValue("max-keys"),
            "s3:versionid" => call.QueryValue("versionId"),
            "s3:signatureversion" => caller.Kind == PrincipalKind.Anonymous ? null : IsSignatureV2(call) ? "AWS" : "AWS4-HMAC-SHA256",
            "s3:authtype" => caller.Kind == PrincipalKind.Anonymous ? null
                : call.Query.ContainsKey("X-Amz-Signature") || call.Query.ContainsKey("Signature") ? "REST-QUERY-STRING" : "REST-HEADER",
            _ when name.StartsWith("s3:object-lock-", StringComparison.Ordinal) => ObjectLockConditionValue(call, name),
            _ when name.StartsWith(ExistingObjectTagKey, StringComparison.Ordinal) =>
                tags?.FirstOrDefault(t => t.Key.Equals(name[ExistingObjectTagKey.Length..], StringComparison.OrdinalIgnoreCase)).Value,
            // s3:x-amz-server-side-encryption, s3:x-amz-acl, s3:x-amz-storage-class, s3:x-amz-copy-source ...: the request header.
            _ when name.StartsWith("s3:x-amz-", StringComparison.Ordinal) => call.Header(name[3..]),
            _ => null,
        };
        return value is null ? null : [value];
    }

    /// <summary>Signed with Signature Version 2 (header or presigned query): s3:signatureversion is then "AWS", as in S3.</summary>
    private static bool IsSignatureV2(S3Call call) =>
        call.Query.ContainsKey("AWSAccessKeyId") || (call.Header("Authorization")?.StartsWith("AWS ", StringComparison.Ordinal) ?? false);

    private static IReadOnlyList<PolicyDocument> IdentityPolicies(S3Call call) =>
        call.IdentityPolicies ??= call.Caller.Policies.Values.Select(p => PolicyParser.ParseStored(p, PolicyKind.Identity, null)).ToList();

    /// <summary>The bucket's policy and public access block, read once per request and bucket.</summary>
    private async Task<BucketAccess?> LoadBucketAccessAsync(S3Call call, string bucket)
    {
        if (call.Caller.Kind == PrincipalKind.Root)
            return null;
        if (call.BucketAccess.TryGetValue(bucket, out var cached))
            return cached;
        var record = bucket == call.Resource.Bucket
            ? (await AddressedBucketAsync(call)).Record // the request's one read of its bucket
            : await _buckets.FindBucketAsync(bucket, call.Aborted); // a copy's source bucket
        var configuration = record?.Configuration ?? new Dictionary<string, string>();
        var policy = configuration.TryGetValue(AccessConfigurationHandler.BucketPolicyConfiguration, out var json) ? PolicyParser.ParseStored(json, PolicyKind.Bucket, bucket) : null;
        var access = new BucketAccess(record, policy, policy is not null && PublicPolicy.IsPublic(policy), PublicAccessBlock.Effective(configuration, _options.PublicAccessBlock));
        call.BucketAccess[bucket] = access;
        return access;
    }
}
