using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Background;
using ObjectStore.Lifecycle;
using ObjectStore.S3;
using ObjectStore.S3.Admin;
using ObjectStore.Objects.Errors;

namespace ObjectStore.Hosting;

internal static partial class AdminRoutes
{
    private const int MaxRulesDocumentBytes = 1024 * 1024;

    /// <summary>
    /// <c>POST lifecycle/run</c>: one lifecycle pass now (the result of every bucket).
    /// <c>POST lifecycle/dry-run?bucket=B[&amp;after-days=N]</c>: the dry-run report of the bucket's rules,
    /// or of the LifecycleConfiguration in the body.
    /// </summary>
    public static IServiceCollection AddLifecycleRoutes(this IServiceCollection services)
    {
        services.AddAdminRoute("POST", "lifecycle/run", sp => async (_, ct) =>
            AdminResult.Ok(await sp.GetRequiredService<LifecycleService>().RunAsync(ct)));

        services.AddAdminRoute("POST", "lifecycle/dry-run", sp => async (request, ct) =>
        {
            var bucket = request.QueryValue("bucket");
            if (string.IsNullOrEmpty(bucket))
                throw new S3Exception(S3Errors.InvalidArgument, "The bucket query parameter is required.") { Details = new Dictionary<string, string> { ["ArgumentName"] = "bucket" } };
            var afterDays = 0;
            if (request.QueryValue("after-days") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out afterDays) || afterDays > 100_000))
                throw new S3Exception(S3Errors.InvalidArgument, "after-days must be a non-negative integer.") { Details = new Dictionary<string, string> { ["ArgumentName"] = "after-days" } };
            var rules = await ReadRulesAsync(request.Body, ct);
            DryRunReport? report;
            try
            {
                report = await sp.GetRequiredService<LifecycleDryRun>().RunAsync(bucket, rules, afterDays, ct);
            }
            catch (LifecycleConfigurationException e)
            {
                throw new S3Exception(e.Kind switch
                {
                    LifecycleErrorKind.MalformedXML => S3Errors.MalformedXML,
                    LifecycleErrorKind.InvalidRequest => S3Errors.InvalidRequest,
                    _ => S3Errors.InvalidArgument,
                }, e.Message);
            }
            return report is null ? throw S3Errors.NoSuchBucketError(bucket) : AdminResult.Ok(report);
        });
        return services;
    }

    /// <summary>A proposed rule set from the body, or null for an empty body.</summary>
    private static async Task<string?> ReadRulesAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > MaxRulesDocumentBytes)
                throw new S3Exception(S3Errors.MalformedXML, $"The rules document is larger than {MaxRulesDocumentBytes} bytes.");
            buffer.Write(chunk, 0, n);
        }
        if (buffer.Length == 0)
            return null;
        try
        {
            return new UTF8Encoding(false, true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new S3Exception(S3Errors.MalformedXML);
        }
    }
}
