using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ObjectStore.Index;
using ObjectStore.S3;
using ObjectStore.Objects.Identity;
using ObjectStore.S3.Admin;
using ObjectStore.Objects.Encryption;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Hosting;

/// <summary>
/// Master key rotation: <c>GET master-key/status</c> counts what each master key wraps;
/// <c>POST master-key/rewrap</c> re-wraps everything not under the current key, in passes of
/// <c>batch</c> re-wraps (default 1000) until a pass finds nothing left or makes no progress.
/// </summary>
internal static partial class AdminRoutes
{
    private const int DefaultRewrapBatch = 1000;
    private const int MaxRewrapPasses = 10_000;

    private static void AddEncryption(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new MasterKeyRotation(sp.GetRequiredService<IObjectIndex>(), sp.GetRequiredService<IIdentityStore>(),
            sp.GetRequiredService<MasterKeyRing>(), sp.GetRequiredService<SecretProtector>()));
        services.AddAdminRoute("GET", "master-key/status", sp => async (_, cancellationToken) =>
            AdminResult.Ok(await sp.GetRequiredService<MasterKeyRotation>().GetStatusAsync(cancellationToken).ConfigureAwait(false)));
        services.AddAdminRoute("POST", "master-key/rewrap", sp => async (request, cancellationToken) =>
        {
            var batch = DefaultRewrapBatch;
            if (request.QueryValue("batch") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out batch) || batch < 1))
                throw new S3Exception(S3Errors.InvalidArgument, $"--batch takes a positive number, not '{text}'.");
            var rotation = sp.GetRequiredService<MasterKeyRotation>();
            int accessKeys = 0, versions = 0, uploads = 0, passes = 0;
            RewrapResult pass;
            do
            {
                pass = await rotation.RewrapAsync(batch, cancellationToken).ConfigureAwait(false);
                accessKeys += pass.AccessKeys;
                versions += pass.ObjectVersions;
                uploads += pass.Uploads;
                passes++;
            }
            while (!pass.Complete && pass.AccessKeys + pass.ObjectVersions + pass.Uploads > 0 && passes < MaxRewrapPasses);
            return AdminResult.Ok(new
            {
                currentKeyId = pass.CurrentKeyId,
                rewrapped = new { accessKeys, objectVersions = versions, uploads },
                passes,
                complete = pass.Complete,
                status = await rotation.GetStatusAsync(cancellationToken).ConfigureAwait(false),
            });
        });
    }
}
