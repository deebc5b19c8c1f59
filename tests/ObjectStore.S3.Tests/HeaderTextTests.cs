using ObjectStore.S3.Protocol;

namespace ObjectStore.S3.Tests;

public sealed class HeaderTextTests
{
    [Theory]
    [InlineData("plain ascii, with\ttab", "plain ascii, with\ttab")]
    [InlineData("日本", "=?UTF-8?B?5pel5pys?=")]
    [InlineData("a\u0001b", "=?UTF-8?B?YQFi?=")]
    [InlineData("line\r\nbreak", "=?UTF-8?B?bGluZQ0KYnJlYWs=?=")]
    public void Values_that_are_not_printable_ascii_go_out_as_one_utf8_encoded_word(string stored, string wire) =>
        Assert.Equal(wire, HeaderText.ToWire(stored));

    [Theory]
    [InlineData("=?UTF-8?B?5pel5pys?=", "日本")]
    [InlineData("=?utf-8?q?caf=C3=A9_au_lait?=", "café au lait")]
    [InlineData("=?ISO-8859-1?Q?caf=E9?=", "café")]
    [InlineData("=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=", "日本")]
    public void Encoded_words_sent_by_a_client_are_stored_decoded(string wire, string stored) =>
        Assert.Equal(stored, HeaderText.FromWire(wire));

    [Theory]
    [InlineData("=?UTF-8?B?not base64!?=")]
    [InlineData("=?KOI8-R?B?5pel?=")]
    [InlineData("=?UTF-8?B?/w==?=")]
    [InlineData("a=?b?=")]
    [InlineData("just text")]
    public void Anything_else_is_stored_as_sent(string wire) => Assert.Equal(wire, HeaderText.FromWire(wire));

    [Fact]
    public void Decoding_what_was_encoded_gives_the_stored_value_back()
    {
        foreach (var value in new[] { "ascii", "日本語のラベル", "emoji 🧪", "tab\tand\u007f" })
            Assert.Equal(value, HeaderText.FromWire(HeaderText.ToWire(value)));
    }
}
