using ObjectStore.FunctionsTests.Infrastructure;

namespace ObjectStore.FunctionsTests;

[Collection(FunctionAppBuildsCollection.Name)]
public sealed class GatewayMetadataTests(FunctionAppBuilds builds)
{
    [Fact]
    public void Gateway_is_one_anonymous_catch_all_http_function_for_every_S3_method()
    {
        var function = Assert.Single(FunctionEntry.Read(builds.Output(FunctionApp.Gateway)));

        Assert.Equal("Gateway", function.Name);
        var trigger = function.Trigger;
        Assert.Equal("httpTrigger", trigger.String("type"));
        Assert.Equal("In", trigger.String("direction"));
        Assert.Equal("anonymous", trigger.String("authLevel"), ignoreCase: true);
        Assert.Equal("{*path}", trigger.String("route"));
        var methods = trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToLowerInvariant()).Order();
        Assert.Equal(["delete", "get", "head", "options", "post", "put"], methods);
    }

    [Fact]
    public void Gateway_returns_through_the_http_output_so_the_handler_owns_the_response()
    {
        var function = Assert.Single(FunctionEntry.Read(builds.Output(FunctionApp.Gateway)));

        var output = Assert.Single(function.Bindings, b => b.String("direction") == "Out");
        Assert.Equal("$return", output.String("name"));
        Assert.Equal("http", output.String("type"));
    }

    [Fact]
    public void Gateway_host_json_routes_from_the_root()
    {
        var host = JsonFiles.Read(Path.Combine(builds.Output(FunctionApp.Gateway), "host.json"));

        Assert.Equal("2.0", host.String("version"));
        Assert.Equal("", host.GetProperty("extensions").GetProperty("http").String("routePrefix"));
    }
}
