using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.IntegrationTests.Infrastructure;
using static ObjectStore.IntegrationTests.Access.AccessTestKit;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>
/// Keys, users and policies are read from the identity table on every request (no cache), so a change
/// made through one instance holds on the next request to another instance over the same state.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class CrossInstanceKeyTests(LocalHostFixture host)
{
    [Fact]
    public async Task A_disabled_key_or_user_is_refused_at_once_by_a_second_instance()
    {
        await using var second = await host.StartHostAsync(LocalHostOptions.SharingStateWith(host.Shared) with { Background = false });
        var bucket = ClientTestData.BucketName("xinst");
        using var root = host.CreateS3Client();
        await root.PutBucketAsync(bucket);
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "a" });
        var user = await CreateUserAsync(host.Shared, UniqueName("xi"), $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var onSecond = Client(second, user);
        using (var read = await onSecond.GetObjectAsync(bucket, "a"))
            Assert.Equal(HttpStatusCode.OK, read.HttpStatusCode); // the second instance opens the secret with the shared master key

        await AdminCli.RunJsonAsync(host.Shared, "keys", "disable", user.AccessKey);
        await DeniedAsync(() => onSecond.GetObjectAsync(bucket, "a"), "InvalidAccessKeyId");
        await AdminCli.RunJsonAsync(host.Shared, "keys", "enable", user.AccessKey);
        using (var read = await onSecond.GetObjectAsync(bucket, "a"))
            Assert.Equal(HttpStatusCode.OK, read.HttpStatusCode);

        await AdminCli.RunJsonAsync(second, "users", "disable", user.UserName);
        using var onFirst = Client(host.Shared, user);
        await DeniedAsync(() => onFirst.GetObjectAsync(bucket, "a"), "InvalidAccessKeyId");
        await AdminCli.RunJsonAsync(second, "users", "enable", user.UserName);
        using (var read = await onFirst.GetObjectAsync(bucket, "a"))
            Assert.Equal(HttpStatusCode.OK, read.HttpStatusCode);

        var deleted = await AdminCli.RunAsync(second, "users", "delete", user.UserName);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        await DeniedAsync(() => onFirst.GetObjectAsync(bucket, "a"), "InvalidAccessKeyId");
        var gone = await AdminCli.RunAsync(host.Shared, "keys", "list", user.UserName);
        Assert.Contains("<Code>NoSuchEntity</Code>", gone.StdErr);
    }

    [Fact]
    public async Task Secrets_are_stored_sealed_and_the_master_key_file_is_private()
    {
        var user = await CreateUserAsync(host.Shared, UniqueName("seal"), policy: null);
        var keyFile = Path.Combine(host.Shared.DataDirectory, "keys", "master.key");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

        var tables = new Azure.Data.Tables.TableServiceClient(host.StorageConnectionString).GetTableClient(host.Shared.TablePrefix + "Identities");
        var row = (await tables.GetEntityAsync<Azure.Data.Tables.TableEntity>("key", user.AccessKey)).Value;
        var stored = row.GetBinary("Secret");
        Assert.NotNull(stored);
        Assert.DoesNotContain(user.SecretKey, System.Text.Encoding.Latin1.GetString(stored));
        Assert.DoesNotContain(row.Keys, k => row[k]?.ToString()?.Contains(user.SecretKey, StringComparison.Ordinal) == true);
    }
}
