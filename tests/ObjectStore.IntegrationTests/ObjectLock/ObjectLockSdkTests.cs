using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using ObjectStore.IntegrationTests.Lifecycle;
using ObjectStore.Testing;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.ObjectLock;

/// <summary>
/// Object Lock through AWSSDK.S3 against a local host whose clock the test advances (no sleeps):
/// GOVERNANCE and COMPLIANCE refuse deletes by version id and through DeleteObjects until their date,
/// the governance bypass needs both header and permission, a legal hold is independent of retention,
/// and a lifecycle pass leaves locked versions alone.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ObjectLockSdkTests(LocalHostFixture fixture)
{
    private static async Task<string> LockedBucketAsync(LifecycleHost lc, string prefix)
    {
        var bucket = UniqueNames.Bucket(prefix);
        await lc.S3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        return bucket;
    }

    private static async Task<string> PutAsync(LifecycleHost lc, string bucket, string key, ObjectLockMode? mode, DateTime? until, bool hold = false)
    {
        var put = await lc.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            ContentBody = "weights of " + key,
            ObjectLockMode = mode,
            ObjectLockRetainUntilDate = until,
            ObjectLockLegalHoldStatus = hold ? ObjectLockLegalHoldStatus.On : null,
        });
        return put.VersionId;
    }

    private static async Task LockedAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(call);
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (error.StatusCode, error.ErrorCode));
    }

    [Fact]
    public async Task Governance_and_compliance_refuse_deletes_by_version_id_and_through_DeleteObjects_until_their_date_then_allow_them()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await LockedBucketAsync(lc, "lock-dates");
        var until = lc.Clock.GetUtcNow().UtcDateTime.AddSeconds(30);
        var governed = await PutAsync(lc, bucket, "models/g.pt", ObjectLockMode.Governance, until);
        var compliant = await PutAsync(lc, bucket, "models/c.pt", ObjectLockMode.Compliance, until);

        var head = await lc.S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "models/c.pt" });
        Assert.Equal(ObjectLockMode.Compliance, head.ObjectLockMode);
        Assert.Equal(until, head.ObjectLockRetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));

        await LockedAsync(() => lc.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "models/g.pt", VersionId = governed }));
        await LockedAsync(() => lc.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "models/c.pt", VersionId = compliant }));
        var batch = new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "models/g.pt", VersionId = governed }, new KeyVersion { Key = "models/c.pt", VersionId = compliant }] };
        var refused = await Assert.ThrowsAsync<DeleteObjectsException>(() => lc.S3.DeleteObjectsAsync(batch));
        Assert.All(refused.Response.DeleteErrors, e => Assert.Equal("AccessDenied", e.Code));
        Assert.Equal(2, refused.Response.DeleteErrors.Count);

        // Without a version id a delete marker hides the key; the locked version stays readable by id.
        var marker = await lc.S3.DeleteObjectAsync(bucket, "models/c.pt");
        Assert.Equal("true", marker.DeleteMarker);
        Assert.Equal("weights of models/c.pt", System.Text.Encoding.UTF8.GetString(await lc.GetAsync(bucket, "models/c.pt", compliant)));

        lc.Clock.Advance(TimeSpan.FromSeconds(31));
        var deleted = await lc.S3.DeleteObjectsAsync(batch);
        Assert.Equal(2, deleted.DeletedObjects.Count);
        await lc.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "models/c.pt", VersionId = marker.VersionId });
        Assert.Empty(await lc.VersionsAsync(bucket));
        await lc.S3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Governance_is_bypassed_only_with_the_header_and_the_permission_and_compliance_by_nobody()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await LockedBucketAsync(lc, "lock-bypass");
        var until = lc.Clock.GetUtcNow().UtcDateTime.AddDays(30);
        var governed = await PutAsync(lc, bucket, "eval/report.json", ObjectLockMode.Governance, until);
        var compliant = await PutAsync(lc, bucket, "eval/audit.json", ObjectLockMode.Compliance, until);
        const string Deleter = """["s3:DeleteObject","s3:DeleteObjectVersion","s3:PutObjectRetention","s3:GetObjectRetention"]""";
        var plain = await CreateUserAsync(lc.Host, UniqueName("plain"), $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{{Deleter}},"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        var admin = await CreateUserAsync(lc.Host, UniqueName("admin"), $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":{{Deleter}},"Resource":"arn:aws:s3:::{{bucket}}/*"},
              {"Effect":"Allow","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var plainS3 = Client(lc.Host, plain);
        using var adminS3 = Client(lc.Host, admin);
        DeleteObjectRequest Delete(string key, string version, bool bypass) => new() { BucketName = bucket, Key = key, VersionId = version, BypassGovernanceRetention = bypass };

        await LockedAsync(() => plainS3.DeleteObjectAsync(Delete("eval/report.json", governed, bypass: true)));
        await LockedAsync(() => adminS3.DeleteObjectAsync(Delete("eval/report.json", governed, bypass: false)));
        await LockedAsync(() => lc.S3.DeleteObjectAsync(Delete("eval/audit.json", compliant, bypass: true)));

        // COMPLIANCE: extended by anyone allowed, shortened by nobody, the root key included.
        PutObjectRetentionRequest Retain(string key, string version, ObjectLockRetentionMode mode, DateTime date, bool bypass = false) => new()
        {
            BucketName = bucket, Key = key, VersionId = version, BypassGovernanceRetention = bypass,
            Retention = new ObjectLockRetention { Mode = mode, RetainUntilDate = date },
        };
        await LockedAsync(() => lc.S3.PutObjectRetentionAsync(Retain("eval/audit.json", compliant, ObjectLockRetentionMode.Compliance, until.AddDays(-1), bypass: true)));
        await plainS3.PutObjectRetentionAsync(Retain("eval/audit.json", compliant, ObjectLockRetentionMode.Compliance, until.AddDays(1)));
        var retention = await plainS3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "eval/audit.json", VersionId = compliant });
        Assert.Equal(until.AddDays(1), retention.Retention.RetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));

        // GOVERNANCE: shortened only with the bypass, then deleted with it.
        await LockedAsync(() => plainS3.PutObjectRetentionAsync(Retain("eval/report.json", governed, ObjectLockRetentionMode.Governance, until.AddDays(-1), bypass: true)));
        await adminS3.PutObjectRetentionAsync(Retain("eval/report.json", governed, ObjectLockRetentionMode.Governance, until.AddDays(-1), bypass: true));
        var gone = await adminS3.DeleteObjectAsync(Delete("eval/report.json", governed, bypass: true));
        Assert.Equal(governed, gone.VersionId);
    }

    [Fact]
    public async Task A_legal_hold_keeps_a_version_independently_of_its_retention()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await LockedBucketAsync(lc, "lock-hold");
        var held = await PutAsync(lc, bucket, "data/snapshot.parquet", null, null, hold: true);
        var retained = await PutAsync(lc, bucket, "data/other.parquet", ObjectLockMode.Governance, lc.Clock.GetUtcNow().UtcDateTime.AddSeconds(20));

        await LockedAsync(() => lc.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "data/snapshot.parquet", VersionId = held, BypassGovernanceRetention = true }));
        await lc.S3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket, Key = "data/other.parquet", VersionId = retained, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
        });
        lc.Clock.Advance(TimeSpan.FromSeconds(21)); // the retention ends; the hold does not
        await LockedAsync(() => lc.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "data/other.parquet", VersionId = retained }));
        var status = await lc.S3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "data/other.parquet", VersionId = retained });
        Assert.Equal(ObjectLockLegalHoldStatus.On, status.LegalHold.Status);

        foreach (var (key, version) in new[] { ("data/snapshot.parquet", held), ("data/other.parquet", retained) })
        {
            await lc.S3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
            {
                BucketName = bucket, Key = key, VersionId = version, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off },
            });
            await lc.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = version });
        }
        Assert.Empty(await lc.VersionsAsync(bucket));
    }

    [Fact]
    public async Task A_lifecycle_pass_leaves_locked_noncurrent_versions_alone_and_the_dry_run_says_what_locks_hold()
    {
        await using var lc = await LifecycleHost.StartAsync(fixture);
        var bucket = await LockedBucketAsync(lc, "lock-lc");
        using (var rules = await lc.SendAsync(HttpMethod.Put, $"/{bucket}?lifecycle", """
            <LifecycleConfiguration><Rule><ID>old</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status>
            <NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>
            """))
            Assert.Equal(HttpStatusCode.OK, rules.StatusCode);
        var until = lc.Clock.GetUtcNow().UtcDateTime.AddMinutes(5);
        var locked = await PutAsync(lc, bucket, "models/prod.pt", ObjectLockMode.Compliance, until);
        var free = await PutAsync(lc, bucket, "models/dev.pt", null, null);
        await PutAsync(lc, bucket, "models/prod.pt", null, null);
        await PutAsync(lc, bucket, "models/dev.pt", null, null);
        lc.AdvanceDays(2);

        var report = await AdminCli.RunJsonAsync(lc.Host, "lifecycle", "dry-run", bucket);
        var held = report.GetProperty("objectLock");
        Assert.Equal((1L, (long)"weights of models/prod.pt".Length), (held.GetProperty("versions").GetInt64(), held.GetProperty("bytes").GetInt64()));
        Assert.Contains(report.GetProperty("report").EnumerateArray(), l => l.GetString()!.StartsWith("Held by Object Lock", StringComparison.Ordinal));

        var pass = await lc.RunPassAsync();
        Assert.Equal((1L, 1L), (pass.Totals.NoncurrentExpired, pass.Totals.HeldByObjectLock));
        var versions = await lc.VersionsAsync(bucket);
        Assert.Contains(versions, v => v.VersionId == locked);
        Assert.DoesNotContain(versions, v => v.VersionId == free);

        lc.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var after = await lc.RunPassAsync();
        Assert.Equal((1L, 0L), (after.Totals.NoncurrentExpired, after.Totals.HeldByObjectLock));
        Assert.DoesNotContain(await lc.VersionsAsync(bucket), v => v.VersionId == locked);
    }
}
