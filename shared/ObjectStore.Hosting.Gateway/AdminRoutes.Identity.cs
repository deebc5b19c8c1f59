using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.S3;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Admin;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Hosting;

/// <summary>Users, their access keys and inline policies (IAM JSON), and the admin flag.</summary>
internal static partial class AdminRoutes
{
    private const int MaxPolicyBody = 16 * 1024;

    private static IServiceCollection AddIdentityRoutes(this IServiceCollection services)
    {
        Add("GET", "users", (id, _, ct) => Ok(async () => new { users = await id.ListUsersAsync(ct) }));
        Add("POST", "users/{user}", (id, r, ct) => Ok(async () => await id.CreateUserAsync(r.RouteValue("user"), Flag(r, "admin") ?? false, ct)));
        Add("GET", "users/{user}", (id, r, ct) => Ok(async () => await id.GetUserAsync(r.RouteValue("user"), ct)));
        Add("DELETE", "users/{user}", async (id, r, ct) =>
        {
            await id.DeleteUserAsync(r.RouteValue("user"), ct);
            return AdminResult.NoContent();
        });
        Add("POST", "users/{user}/disable", (id, r, ct) => Ok(async () => await id.SetUserDisabledAsync(r.RouteValue("user"), true, ct)));
        Add("POST", "users/{user}/enable", (id, r, ct) => Ok(async () => await id.SetUserDisabledAsync(r.RouteValue("user"), false, ct)));
        Add("POST", "users/{user}/admin", (id, r, ct) => Ok(async () => await id.SetUserAdminAsync(r.RouteValue("user"),
            Flag(r, "admin") ?? throw new S3Exception(S3Errors.InvalidArgument, "Say --admin true or --admin false."), ct)));

        Add("POST", "users/{user}/keys", (id, r, ct) => Ok(async () => await id.CreateAccessKeyAsync(r.RouteValue("user"), ct)));
        Add("GET", "users/{user}/keys", (id, r, ct) => Ok(async () => new { keys = await id.ListAccessKeysAsync(r.RouteValue("user"), ct) }));
        Add("POST", "keys/{key}/disable", (id, r, ct) => Ok(async () => await id.SetAccessKeyActiveAsync(r.RouteValue("key"), false, ct)));
        Add("POST", "keys/{key}/enable", (id, r, ct) => Ok(async () => await id.SetAccessKeyActiveAsync(r.RouteValue("key"), true, ct)));
        Add("DELETE", "keys/{key}", async (id, r, ct) =>
        {
            await id.DeleteAccessKeyAsync(r.RouteValue("key"), ct);
            return AdminResult.NoContent();
        });

        Add("GET", "users/{user}/policies", (id, r, ct) => Ok(async () => new { policies = (await id.GetUserAsync(r.RouteValue("user"), ct)).Policies }));
        Add("PUT", "users/{user}/policies/{policy}", async (id, r, ct) =>
            AdminResult.Ok(await id.PutUserPolicyAsync(r.RouteValue("user"), r.RouteValue("policy"), await ReadTextAsync(r.Body, ct), ct)));
        Add("GET", "users/{user}/policies/{policy}", async (id, r, ct) =>
            AdminResult.Ok(System.Text.Json.JsonDocument.Parse(await id.GetUserPolicyAsync(r.RouteValue("user"), r.RouteValue("policy"), ct)).RootElement));
        Add("DELETE", "users/{user}/policies/{policy}", (id, r, ct) => Ok(async () => await id.DeleteUserPolicyAsync(r.RouteValue("user"), r.RouteValue("policy"), ct)));
        return services;

        void Add(string method, string path, Func<IdentityService, AdminRequest, CancellationToken, Task<AdminResult>> handler) =>
            services.AddAdminRoute(method, path, sp =>
            {
                var identities = sp.GetRequiredService<IdentityService>();
                return (request, ct) => handler(identities, request, ct);
            });
    }

    private static async Task<AdminResult> Ok<T>(Func<Task<T>> answer) => AdminResult.Ok(await answer());

    private static bool? Flag(AdminRequest request, string name) => request.QueryValue(name) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        var other => throw new S3Exception(S3Errors.InvalidArgument, $"--{name} takes true or false, not '{other}'."),
    };

    private static async Task<string> ReadTextAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > MaxPolicyBody)
                throw new S3Exception(S3Errors.MalformedPolicyDocument, $"A policy document must not exceed {MaxPolicyBody} bytes.");
            buffer.Write(chunk, 0, n);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
