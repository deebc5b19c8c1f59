using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Auth;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>
/// Treats a request with an Authorization header as signed by the root key "AKTEST", or by one of the
/// known users when its Credential names that user's access key; without one, anonymous.
/// </summary>
internal sealed class FakeAuthenticator(IReadOnlyDictionary<string, CallerIdentity>? users = null) : IRequestAuthenticator
{
    public ValueTask<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var signed = request.Headers.Authorization.Count > 0;
        var caller = signed ? UserOf(request.Headers.Authorization.ToString()) ?? CallerIdentity.Root("AKTEST") : CallerIdentity.Anonymous;
        return ValueTask.FromResult(new AuthenticatedRequest(
            caller.AccessKey,
            request.Body,
            request.ContentLength,
            new Dictionary<string, string>())
        {
            Caller = caller,
        });
    }

    private CallerIdentity? UserOf(string authorization)
    {
        const string marker = "Credential=";
        var start = authorization.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || users is null)
            return null;
        start += marker.Length;
        var end = authorization.IndexOf('/', start);
        return users.TryGetValue(end < 0 ? authorization[start..] : authorization[start..end], out var user) ? user : null;
    }

    public ValueTask<CallerIdentity> AuthenticatePostPolicyAsync(PostPolicySignature form, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CallerIdentity.Root("AKTEST"));

    public ValueTask<CallerIdentity> AuthenticatePostPolicyV2Async(PostPolicyV2Signature form, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CallerIdentity.Root("AKTEST"));
}
