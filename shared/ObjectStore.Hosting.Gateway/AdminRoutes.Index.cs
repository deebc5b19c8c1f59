using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Index;
using ObjectStore.Objects.Errors;
using ObjectStore.S3;
using ObjectStore.S3.Admin;

namespace ObjectStore.Hosting;

internal static partial class AdminRoutes
{
    /// <summary>Most seconds one grow call works (below the 230 s an HTTP-triggered function may run); the next call resumes.</summary>
    private const int MaxGrowSeconds = 200;

    /// <summary>
    /// <c>GET index/partitions?bucket=B</c>: the bucket's index partitions and any split growing them.
    /// <c>POST index/partitions?bucket=B&amp;count=N[&amp;seconds=S]</c>: grows the bucket to N partitions online, working
    /// for at most S seconds (default and most 200); the answer's <c>done</c> says whether to call again (docs/index-schema.md).
    /// </summary>
    private static void AddIndex(IServiceCollection services)
    {
        services.AddAdminRoute("GET", "index/partitions", sp => async (request, ct) =>
        {
            var bucket = RequiredBucket(request);
            return AdminResult.Ok(await sp.GetRequiredService<IIndexPartitioning>().GetPartitionStatusAsync(bucket, ct).ConfigureAwait(false)
                ?? throw S3Errors.NoSuchBucketError(bucket));
        });
        services.AddAdminRoute("POST", "index/partitions", sp => async (request, ct) =>
        {
            var bucket = RequiredBucket(request);
            var count = IntArgument(request, "count", null, 1, IndexPartitionsMax);
            if ((count & (count - 1)) != 0)
                throw InvalidArgument("count", "count must be a power of two from 1 to 64.");
            var seconds = IntArgument(request, "seconds", MaxGrowSeconds, 1, MaxGrowSeconds);
            return AdminResult.Ok(await sp.GetRequiredService<IIndexPartitioning>().GrowPartitionsAsync(bucket, count, TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false)
                ?? throw S3Errors.NoSuchBucketError(bucket));
        });
    }

    private const int IndexPartitionsMax = 64;

    private static string RequiredBucket(AdminRequest request) =>
        request.QueryValue("bucket") is { Length: > 0 } bucket ? bucket : throw InvalidArgument("bucket", "The bucket query parameter is required.");

    private static int IntArgument(AdminRequest request, string name, int? fallback, int min, int max)
    {
        var text = request.QueryValue(name);
        if (string.IsNullOrEmpty(text))
            return fallback ?? throw InvalidArgument(name, $"The {name} query parameter is required.");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw InvalidArgument(name, $"{name} must be a whole number from {min} to {max}.");
    }

    private static S3Exception InvalidArgument(string name, string message) =>
        new(S3Errors.InvalidArgument, message) { Details = new Dictionary<string, string> { ["ArgumentName"] = name } };
}
