using System.Text.Json;
using Amazon.S3;
using ObjectStore.IntegrationTests.Infrastructure;

namespace ObjectStore.IntegrationTests.Access;

/// <summary>Users and policies made with the real admin command line, and assertions on refusals.</summary>
internal static class AccessTestKit
{
    public sealed record UserKeys(string UserName, string AccessKey, string SecretKey);

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 11)];

    /// <summary>Creates a user with one key pair and (if given) an inline policy, through objectstore-admin.</summary>
    public static async Task<UserKeys> CreateUserAsync(LocalHostInstance host, string userName, string? policy, bool admin = false)
    {
        var user = await AdminCli.RunJsonAsync(host, admin ? ["users", "create", userName, "--admin", "true"] : ["users", "create", userName]);
        Assert.Equal(userName, user.GetProperty("name").GetString());
        var key = await AdminCli.RunJsonAsync(host, "keys", "create", userName);
        if (policy is not null)
            await PutPolicyAsync(host, userName, "access", policy);
        return new UserKeys(userName, key.GetProperty("accessKeyId").GetString()!, key.GetProperty("secretAccessKey").GetString()!);
    }

    public static async Task<JsonElement> PutPolicyAsync(LocalHostInstance host, string userName, string policyName, string policy)
    {
        var file = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, policy);
        try
        {
            return await AdminCli.RunJsonAsync(host, "policies", "put", userName, policyName, "--body", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static AmazonS3Client Client(LocalHostInstance host, UserKeys user) =>
        host.CreateS3Client(user.AccessKey, user.SecretKey, c => c.MaxErrorRetry = 0);

    public static async Task DeniedAsync(Func<Task> call, string code = "AccessDenied")
    {
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(call);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, error.StatusCode);
        if (error.ErrorCode != "Forbidden") // HEAD errors carry no body: the SDK names the status
            Assert.Equal(code, error.ErrorCode);
    }

    /// <summary>Reads datasets/*, writes checkpoints/*, in one bucket: the README's training job.</summary>
    public static string TrainingJobPolicy(string bucket) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "ReadDatasets", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{{bucket}}/datasets/*"},
            {"Sid": "WriteCheckpoints", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{bucket}}/checkpoints/*"}
          ]
        }
        """;
}
