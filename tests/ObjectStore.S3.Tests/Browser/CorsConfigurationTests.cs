using System.Text;
using ObjectStore.S3.Browser;
using ObjectStore.Objects.Errors;
using ObjectStore.S3.Xml;

namespace ObjectStore.S3.Tests.Browser;

public sealed class CorsConfigurationTests
{
    private static CorsConfiguration Parse(string rules) =>
        CorsConfiguration.Parse(S3XmlRequest.Parse(Encoding.UTF8.GetBytes($"<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{rules}</CORSConfiguration>")));

    private const string Rules = """
        <CORSRule><ID>site</ID><AllowedOrigin>http://app.example</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>
          <AllowedHeader>x-amz-*</AllowedHeader><AllowedHeader>Content-Type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>300</MaxAgeSeconds></CORSRule>
        <CORSRule><AllowedOrigin>http://*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>
        <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader></CORSRule>
        """;

    [Theory]
    [InlineData("http://app.example", "PUT", "content-type,x-amz-meta-a", "site")]
    [InlineData("http://app.example", "PUT", "authorization", null)]
    [InlineData("http://app.example", "DELETE", "", null)]
    [InlineData("http://other.example", "GET", "", "1")]
    [InlineData("https://other.example", "GET", "", null)]
    [InlineData("http://example", "GET", "", null)]
    [InlineData("null", "HEAD", "anything,else", "2")]
    [InlineData("http://app.example", "put", "", null)]
    public void The_first_rule_matching_origin_method_and_every_header_wins(string origin, string method, string headers, string? rule)
    {
        var configuration = Parse(Rules);
        var match = configuration.Match(origin, method, headers.Split(',', StringSplitOptions.RemoveEmptyEntries));
        if (rule is null)
            Assert.Null(match);
        else
            Assert.Equal(rule == "site" ? configuration.Rules[0] : configuration.Rules[int.Parse(rule, System.Globalization.CultureInfo.InvariantCulture)], match);
    }

    [Fact]
    public void The_stored_form_round_trips()
    {
        var configuration = Parse(Rules);
        var again = CorsConfiguration.Parse(S3XmlRequest.Parse(Encoding.UTF8.GetBytes(configuration.Serialize())));
        Assert.Equal(configuration.Serialize(), again.Serialize());
        Assert.Equal(300, again.Rules[0].MaxAgeSeconds);
        Assert.Equal(["x-amz-*", "Content-Type"], again.Rules[0].AllowedHeaders);
        Assert.True(again.Rules[2].AllowsAnyOrigin);
    }

    [Theory]
    [InlineData("", "MalformedXML")]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin></CORSRule>", "MalformedXML")]
    [InlineData("<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>", "MalformedXML")]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>", "InvalidRequest")]
    [InlineData("<CORSRule><AllowedOrigin>http://*.*.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>", "InvalidRequest")]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader></CORSRule>", "InvalidRequest")]
    [InlineData("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule>", "MalformedXML")]
    public void Invalid_configurations_get_the_S3_error(string rules, string code) =>
        Assert.Equal(code, Assert.Throws<S3Exception>(() => Parse(rules)).Code.Code);

    [Fact]
    public void At_most_100_rules()
    {
        var rule = "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>";
        Assert.Equal(100, Parse(string.Concat(Enumerable.Repeat(rule, 100))).Rules.Count);
        Assert.Equal("MalformedXML", Assert.Throws<S3Exception>(() => Parse(string.Concat(Enumerable.Repeat(rule, 101)))).Code.Code);
    }
}
