using System.Security.Cryptography;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.Hosting;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Encryption;

/// <summary>
/// The documented rotation procedure end to end with the real admin command line: generate a key,
/// restart with it as current and the old one as previous, rewrap, see nothing left under the old key,
/// restart without the old key: objects, uploads and users' keys all still work, and no shard file changed.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class MasterKeyRotationTests(LocalHostFixture fixture) : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("objectstore-rotation-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp directory
        }
    }

    private Task<LocalHostInstance> StartAsync(string tablePrefix, string masterKey, string? previous = null) =>
        fixture.StartHostAsync(new LocalHostOptions
        {
            DataDirectory = _dataDirectory,
            TablePrefix = tablePrefix,
            Zones = ZoneLayout.Disk,
            Background = false, // no repair or lifecycle pass may touch shard files during the comparison
            Settings = new Dictionary<string, string?>
            {
                [ObjectStoreSettings.MasterKeySetting] = masterKey,
                [ShardBackedSetting.Name] = ShardBackedSetting.Off, // compares shard files before and after
                [ObjectStoreSettings.PreviousMasterKeysSetting] = previous,
            },
        });

    private Dictionary<string, string> ShardFiles() =>
        Directory.EnumerateFiles(Path.Combine(_dataDirectory, "zones"), "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(_dataDirectory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static async Task<byte[]> GetAsync(AmazonS3Client s3, GetObjectRequest request)
    {
        using var response = await s3.GetObjectAsync(request);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string KeyIdOf(string base64Key) => Convert.ToHexString(SHA256.HashData(Convert.FromBase64String(base64Key))[..4]);

    [Fact]
    public async Task Rotate_rewrap_and_drop_the_old_key_keeps_objects_uploads_and_user_keys_working_without_rewriting_shards()
    {
        var tablePrefix = ObjectStore.Testing.UniqueNames.Table("rot");
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var bucket = ClientTestData.BucketName("rotate");
        var single = RandomNumberGenerator.GetBytes(300_000);
        var multipart = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 4321);
        var customerKey = RandomNumberGenerator.GetBytes(32);
        UserKeys user;
        string openUpload;
        string openPartETag;

        await using (var before = await StartAsync(tablePrefix, oldKey))
        {
            using var s3 = before.CreateS3Client();
            await s3.PutBucketAsync(bucket);
            user = await CreateUserAsync(before, UniqueName("rotuser"), $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
                """);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "single", InputStream = new MemoryStream(single), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = "customer", InputStream = new MemoryStream(single),
                ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey),
            });
            var done = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "multi", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
            var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "multi", UploadId = done.UploadId, PartNumber = 1, InputStream = new MemoryStream(multipart, 0, 5 * 1024 * 1024) });
            var p2 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "multi", UploadId = done.UploadId, PartNumber = 2, InputStream = new MemoryStream(multipart, 5 * 1024 * 1024, 4321) });
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = "multi", UploadId = done.UploadId, PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
            });
            var open = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "open", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
            openUpload = open.UploadId;
            openPartETag = (await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "open", UploadId = openUpload, PartNumber = 1, InputStream = new MemoryStream(single) })).ETag;
        }
        var shardsBefore = ShardFiles();
        Assert.NotEmpty(shardsBefore);

        // Generate the new key with the command line, restart with it current and the old one retired.
        string newKey;
        await using (var rotating = await StartAsync(tablePrefix, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), oldKey))
        {
            var generated = await AdminCli.RunAsync(rotating, "master-key", "generate");
            Assert.Equal(0, generated.ExitCode);
            newKey = generated.StdOut.Trim();
            Assert.Equal(32, Convert.FromBase64String(newKey).Length);
        }
        await using (var rotating = await StartAsync(tablePrefix, newKey, oldKey))
        {
            var status = await AdminCli.RunJsonAsync(rotating, "master-key", "status");
            Assert.Equal(KeyIdOf(newKey), status.GetProperty("currentKeyId").GetString());
            var oldId = KeyIdOf(oldKey);
            Assert.True(status.GetProperty("accessKeys").GetProperty(oldId).GetInt64() >= 1, status.ToString());
            Assert.Equal(2, status.GetProperty("objectVersions").GetProperty(oldId).GetInt64()); // single + multi; SSE-C wraps nothing
            Assert.Equal(1, status.GetProperty("uploads").GetProperty(oldId).GetInt64());

            // Still readable through the retired key before the rewrap.
            using (var s3 = rotating.CreateS3Client())
                Assert.Equal(single, await GetAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "single" }));

            var rewrap = await AdminCli.RunJsonAsync(rotating, "master-key", "rewrap", "--batch", "2");
            Assert.True(rewrap.GetProperty("complete").GetBoolean(), rewrap.ToString());
            Assert.Equal(2, rewrap.GetProperty("rewrapped").GetProperty("objectVersions").GetInt32());
            Assert.Equal(1, rewrap.GetProperty("rewrapped").GetProperty("uploads").GetInt32());
            var after = await AdminCli.RunJsonAsync(rotating, "master-key", "status");
            foreach (var kind in new[] { "accessKeys", "objectVersions", "uploads" })
                Assert.False(after.GetProperty(kind).TryGetProperty(oldId, out _), $"{kind} still under the old key: {after}");
            Assert.Equal(2, after.GetProperty("objectVersions").GetProperty(KeyIdOf(newKey)).GetInt64());

            // Idempotent: a second run finds nothing to do.
            var again = await AdminCli.RunJsonAsync(rotating, "master-key", "rewrap");
            Assert.Equal(0, again.GetProperty("rewrapped").GetProperty("objectVersions").GetInt32());
            Assert.Equal(0, again.GetProperty("rewrapped").GetProperty("accessKeys").GetInt32());
        }
        Assert.Equal(shardsBefore, ShardFiles()); // no data rewritten

        // The old key is gone: everything still opens.
        await using var rotated = await StartAsync(tablePrefix, newKey);
        using (var s3 = rotated.CreateS3Client())
        {
            Assert.Equal(single, await GetAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "single" }));
            Assert.Equal(multipart, await GetAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "multi" }));
            Assert.Equal(multipart[(5 * 1024 * 1024 - 10)..], await GetAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "multi", ByteRange = new ByteRange(5 * 1024 * 1024 - 10, multipart.Length - 1) }));
            Assert.Equal(single, await GetAsync(s3, new GetObjectRequest
            {
                BucketName = bucket, Key = "customer",
                ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256, ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(customerKey),
            }));
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = "open", UploadId = openUpload, PartETags = [new PartETag(1, openPartETag)],
            });
            Assert.Equal(single, await GetAsync(s3, new GetObjectRequest { BucketName = bucket, Key = "open" }));
        }
        using (var asUser = Client(rotated, user))
        {
            await asUser.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "by-user", ContentBody = "still signs" });
            Assert.Equal("still signs"u8.ToArray(), await GetAsync(asUser, new GetObjectRequest { BucketName = bucket, Key = "by-user" }));
        }
    }
}
