using System.Text.Json;
using ObjectStore.S3.Admin;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Protocol;

namespace ObjectStore.S3;

/// <summary>
/// The admin API's HTTP edge: the entry point (<see cref="S3RequestHandler"/>) hands it authenticated
/// requests under <see cref="AdminApi.PathPrefix"/>; its errors are thrown to the entry point, which renders them.
/// </summary>
internal sealed class AdminRequestHandler(AdminApi admin)
{
    /// <summary>
    /// An authenticated request under <see cref="AdminApi.PathPrefix"/>: refused unless an operator
    /// key signed it, then answered by its route with a JSON body. Errors stay S3 XML.
    /// </summary>
    /// <param name="rawPath">The request's raw (undecoded) path.</param>
    public async Task HandleAdminAsync(S3Call call, string accessKey, string rawPath)
    {
        var path = rawPath.Length > AdminApi.PathPrefix.Length
            ? S3Addressing.DecodeKey(rawPath[AdminApi.PathPrefix.Length..]).TrimEnd('/')
            : "";
        // The root keys registered with the admin API, and users flagged admin (read with their key on this request).
        if (!admin.IsAdmin(accessKey) && call.Caller is not { Kind: Objects.Identity.PrincipalKind.User, IsAdmin: true })
            throw new S3Exception(S3Errors.AccessDenied, resource: rawPath);

        var handler = admin.Resolve(call.Request.Method.ToUpperInvariant(), path);
        var result = await handler(new AdminRequest(call.Request.Method.ToUpperInvariant(), path, call.Query, call.Body!, accessKey), call.Aborted);

        var response = call.Response;
        response.StatusCode = result.Status;
        if (result.Body is null || call.IsHead)
            return;
        response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(response.Body, result.Body, result.Body.GetType(), AdminApi.Json, call.Aborted);
    }
}
