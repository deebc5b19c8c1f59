using ObjectStore.LocalHost;

namespace ObjectStore.IntegrationTests.Connections;

/// <summary>The minimum body rate settings are checked at start-up, the setting named in the error.</summary>
public sealed class BodyRateSettingTests
{
    [Theory]
    [InlineData(LocalHostApp.MinRequestBodyRateSetting, "fast")]
    [InlineData(LocalHostApp.MinRequestBodyRateSetting, "-1")]
    [InlineData(LocalHostApp.MinRequestBodyGraceSetting, "soon")]
    [InlineData(LocalHostApp.MinRequestBodyGraceSetting, "1")]
    public void Invalid_minimum_body_rate_setting_stops_start_up_naming_the_setting(string setting, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => LocalHostApp.Build([], new Dictionary<string, string?> { [setting] = value }));
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }
}
