using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace ObjectStore.LocalHost;

/// <summary>
/// The slowest request body the local host waits for: Kestrel's own default (240 bytes/s after a
/// 5 s grace period) unless the settings say otherwise. Kestrel counts only the time the handler
/// is waiting for body bytes, so a PUT held back by slow shard writes is never cut; a client that
/// trickles (or stops) gets S3's RequestTimeout and the connection is closed.
/// </summary>
internal static class BodyDataRate
{
    private const string RateSetting = LocalHostApp.MinRequestBodyRateSetting;
    private const string GraceSetting = LocalHostApp.MinRequestBodyGraceSetting;
    private const double DefaultBytesPerSecond = 240;
    private static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(5);

    /// <summary>The minimum from the settings; null (no minimum) when the rate is 0.</summary>
    public static MinDataRate? Read(IConfiguration configuration)
    {
        var rate = Parse(configuration, RateSetting, DefaultBytesPerSecond,
            s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture));
        var grace = Parse(configuration, GraceSetting, DefaultGrace, s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.Parse(s, CultureInfo.InvariantCulture));
        if (rate < 0 || double.IsNaN(rate) || double.IsInfinity(rate))
            throw new InvalidOperationException($"{RateSetting} must be a number of bytes per second, 0 or more (0: no minimum).");
        // Kestrel checks data rates on its one-second heartbeat, so a shorter grace means nothing.
        if (grace <= TimeSpan.FromSeconds(1))
            throw new InvalidOperationException($"{GraceSetting} must be longer than one second.");
        return rate == 0 ? null : new MinDataRate(rate, grace);
    }

    private static T Parse<T>(IConfiguration configuration, string key, T fallback, Func<string, T> parse)
    {
        if (configuration[key] is not { Length: > 0 } text)
            return fallback;
        try
        {
            return parse(text.Trim());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidOperationException($"{key} has an invalid value '{text}'.", e);
        }
    }
}
