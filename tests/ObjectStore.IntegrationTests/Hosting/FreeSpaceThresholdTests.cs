using Microsoft.Extensions.Configuration;
using ObjectStore.LocalHost;

namespace ObjectStore.IntegrationTests.Hosting;

/// <summary>OBJECTSTORE_MIN_FREE_SPACE: sizes with binary suffixes, percentages, 0 for off; malformed values stop start-up.</summary>
public sealed class FreeSpaceThresholdTests
{
    [Theory]
    [InlineData("1073741824", 1073741824L)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1g", 1L << 30)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1GB", 1L << 30)]
    [InlineData("512M", 512L << 20)]
    [InlineData("64K", 64L << 10)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2T", 2L << 40)]
    [InlineData("1P", 1L << 50)]
    [InlineData(" 100B ", 100L)]
    public void A_size_is_read_in_bytes_with_binary_suffixes(string text, long bytes)
    {
        Assert.True(FreeSpaceThreshold.TryParse(text, out var threshold));
        Assert.Equal(bytes, threshold.Bytes);
        Assert.Equal(bytes, threshold.RequiredBytes(totalBytes: 10_000));
        Assert.False(threshold.Disabled);
    }

    [Theory]
    [InlineData("5%", 5.0, 50L)]
    [InlineData("0.5 %", 0.5, 5L)]
    [InlineData("100%", 100.0, 1000L)]
    public void A_percentage_is_a_share_of_the_filesystem(string text, double percent, long requiredOfThousand)
    {
        Assert.True(FreeSpaceThreshold.TryParse(text, out var threshold));
        Assert.Equal(percent, threshold.Percent);
        Assert.Equal(requiredOfThousand, threshold.RequiredBytes(totalBytes: 1000));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0G")]
    [InlineData("0%")]
    public void Zero_turns_the_guard_off(string text)
    {
        Assert.True(FreeSpaceThreshold.TryParse(text, out var threshold));
        Assert.True(threshold.Disabled);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("1X")]
    [InlineData("G")]
    [InlineData("%")]
    [InlineData("101%")]
    [InlineData("5%%")]
    [InlineData("1e9")]
    [InlineData("99999999P")]
    public void Malformed_values_are_rejected(string text) =>
        Assert.False(FreeSpaceThreshold.TryParse(text, out _));

    [Fact]
    public void Without_the_setting_the_reserve_is_one_GiB()
    {
        var threshold = FreeSpaceThreshold.Read(new ConfigurationBuilder().Build());
        Assert.Equal(1L << 30, threshold.Bytes);
    }

    [Fact]
    public void A_malformed_setting_stops_start_up_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            LocalHostApp.Build([], new Dictionary<string, string?> { [LocalHostApp.MinFreeSpaceSetting] = "plenty" }));
        Assert.Contains(LocalHostApp.MinFreeSpaceSetting, error.Message, StringComparison.Ordinal);
    }
}
