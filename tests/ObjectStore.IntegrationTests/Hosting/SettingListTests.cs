using ObjectStore.Hosting;

namespace ObjectStore.IntegrationTests.Hosting;

/// <summary>The one parser of NAME=VALUE list settings (pure).</summary>
public sealed class SettingListTests
{
    [Fact]
    public void Items_keep_their_order_and_lose_the_spaces_around_names_and_values()
    {
        var items = SettingList.Parse("  b = x ,a=y=z,  C=1 ", "LIST");

        Assert.Equal([new SettingItem("b", "x"), new SettingItem("a", "y=z"), new SettingItem("C", "1")], items);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" , ,")]
    public void Nothing_or_only_empty_items_is_an_empty_list(string? text)
    {
        Assert.Empty(SettingList.Parse(text, "LIST"));
    }

    [Fact]
    public void Empty_items_such_as_a_trailing_comma_are_skipped()
    {
        Assert.Equal([new SettingItem("A", "1"), new SettingItem("B", "2")], SettingList.Parse("A=1,,B=2,", "LIST"));
    }

    [Theory]
    [InlineData("A=1,B", "'B' is not NAME=VALUE")]
    [InlineData("=1", "'=1' has no name before '='")]
    [InlineData(" = 1", "has no name before '='")]
    [InlineData("A=", "'A=' has no value after '='")]
    [InlineData("A= ,B=2", "'A=' has no value after '='")]
    [InlineData("A=1,B=2,a=3", "'a' is named more than once")]
    [InlineData("zone-a, Zone-A ", "'Zone-A' is named more than once")]
    public void Malformed_items_fail_naming_the_setting_and_the_item(string text, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => SettingList.Parse(text, "OBJECTSTORE_LIST", valueOptional: text.StartsWith("zone", StringComparison.Ordinal)));

        Assert.StartsWith("OBJECTSTORE_LIST: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_list_whose_values_are_optional_takes_bare_names()
    {
        Assert.Equal([new SettingItem("zone-a", null), new SettingItem("zone-b", "blob")],
            SettingList.Parse("zone-a, zone-b=blob", "LIST", valueOptional: true));
        Assert.Throws<InvalidOperationException>(() => SettingList.Parse("zone-a=", "LIST", valueOptional: true));
    }

    [Fact]
    public void Pairs_look_names_up_without_case()
    {
        var pairs = SettingList.ParsePairs("STANDARD_IA=Cool", "LIST");

        Assert.Equal("Cool", pairs["standard_ia"]);
    }
}
