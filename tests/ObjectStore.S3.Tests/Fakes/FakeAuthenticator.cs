using Microsoft.AspNetCore.Http;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Auth;

namespace ObjectStore.S3.Tests.Fakes;

/// <summary>Treats a request with an Authorization header as signed by the root key "AKTEST"; without one, anonymous.</summary>
internal sealed class FakeAuthenticator : IRequestAuthenticator
{
    public ValueTask<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var signed = request.Headers.Authorization.Count > 0;
        return ValueTask.FromResult(new AuthenticatedRequest(
            signed ? "AKTEST" : null,
            request.Body,
            request.ContentLength,
            new Dictionary<string, string>())
        {
            Caller = signed ? CallerIdentity.Root("AKTEST") : CallerIdentity.Anonymous,
        });
    }

    public ValueTask<CallerIdentity> AuthenticatePostPolicyAsync(PostPolicySignature form, CancellationToken cancellationToken) =>
        ValueTask.FromResult(CallerIdentity.Root("AKTEST"));
}
