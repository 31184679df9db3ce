using Gateway.Clusters.Naming;
using Gateway.Filters.HttpCall;

namespace Gateway.Tests.HttpCall;

public class HttpCallConfigParserTests
{
    private static HttpCallConfig Parse(string json)
    {
        Assert.True(HttpCallConfigParser.TryParse(json, out var config, out var error), error);
        return config;
    }

    private static string Error(string json)
    {
        Assert.False(HttpCallConfigParser.TryParse(json, out _, out var error));
        return error;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("  {} ")]
    public void Empty_config_is_the_seed(string? json)
    {
        var config = Parse(json!);

        Assert.Equal(HttpCallConfig.Default, config);
        Assert.Equal("outbound|8000||172.22.220.21.static", HigressClusterNaming.ClusterName(config.Cluster));
        Assert.Equal("172.22.220.21", HigressClusterNaming.HostName(config.Cluster));
        Assert.Equal("POST", config.Method);
        Assert.Equal("/echo/post", config.Path);
        Assert.Equal("{\"message\": \"hello\"}", config.Body);
        Assert.Equal(5000, config.TimeoutMs);
        Assert.Equal("X-External-Response", config.ResponseHeader);
        Assert.Equal(HttpCallOnError.Continue, config.OnError);
        Assert.Equal(8192, config.MaxHeaderBytes);
    }

    [Fact]
    public void Flat_wasm_go_example_form_is_an_fqdn_cluster()
    {
        var config = Parse("""{"fqdn": "httpbin.org", "port": 80, "path": "/post"}""");

        Assert.Equal("outbound|80||httpbin.org", HigressClusterNaming.ClusterName(config.Cluster));
        Assert.Equal("/post", config.Path);
    }

    [Fact]
    public void Flat_service_name_is_a_static_ip_cluster()
    {
        var config = Parse("""{"service_name": "10.0.0.1", "port": 8080, "host": "api"}""");

        Assert.Equal("outbound|8080||10.0.0.1.static", HigressClusterNaming.ClusterName(config.Cluster));
        Assert.Equal("api", HigressClusterNaming.HostName(config.Cluster));
    }

    [Fact]
    public void Headers_as_object_or_pairs_drop_pseudo_headers_wasm_go_sets()
    {
        var fromObject = Parse("""{"headers": {"Content-Type": "application/json", ":authority": "x"}}""");
        var fromPairs = Parse("""{"headers": [["Content-Type", "application/json"], [":method", "GET"], ["A", "1"], ["A", "2"]]}""");

        Assert.Equal([new("Content-Type", "application/json")], fromObject.Headers);
        Assert.Equal(
            [new("Content-Type", "application/json"), new("A", "1"), new("A", "2")],
            fromPairs.Headers);
    }

    [Fact]
    public void Body_may_be_written_as_json()
    {
        Assert.Equal("""{"a":1}""", Parse("""{"body": {"a":1}}""").Body);
    }

    [Fact]
    public void Timeouts_zero_and_negative_are_kept()
    {
        Assert.Equal(0, Parse("""{"timeout_ms": 0}""").TimeoutMs);
        Assert.Equal(-5, Parse("""{"timeout_ms": -5}""").TimeoutMs);
    }

    [Theory]
    [InlineData("""{"timeout_ms": "5s"}""", "$.timeout_ms: expected an integer, got the string \"5s\"")]
    [InlineData("""{"timeout_ms": 1.5}""", "$.timeout_ms: expected an integer")]
    [InlineData("""{"timout_ms": 5}""", "$.timout_ms: unknown key (did you mean \"timeout_ms\"?)")]
    [InlineData("""{"cluster": {"type": "static_ip", "service_name": "a", "port": "80"}}""", "$.cluster.port: expected an integer 1-65535")]
    [InlineData("""{"cluster": {"type": "nope"}}""", "$.cluster.type: unknown cluster type \"nope\"")]
    [InlineData("""{"cluster": {"type": "fqdn", "fqdn": "a", "port": 80}, "fqdn": "b"}""", "$.fqdn: give the cluster either")]
    [InlineData("""{"port": 80}""", "$.fqdn: missing; the flat form needs fqdn")]
    [InlineData("""{"headers": [["a"]]}""", "$.headers[0]: expected a [name, value] pair")]
    [InlineData("""{"headers": {"bad name": "x"}}""", "$.headers['bad name']: \"bad name\" is not a valid header name")]
    [InlineData("""{"headers": {"x": "a\nb"}}""", "$.headers['x']: the value of \"x\" contains a control character")]
    [InlineData("""{"on_error": "explode"}""", "$.on_error: expected \"continue\" or \"deny\"")]
    [InlineData("""{"max_header_bytes": 0}""", "$.max_header_bytes: 0 is out of range")]
    [InlineData("""{"response_header": "X Bad"}""", "$.response_header: \"X Bad\" is not a valid header name")]
    [InlineData("""{"path": "/a b"}""", "$.path: must not contain spaces")]
    [InlineData("""[1]""", "$: expected a JSON object")]
    [InlineData("""{"a": """, "$: invalid JSON (line 1")]
    [InlineData("""{"method": "GE T"}""", "$.method: \"GE T\" is not an HTTP method")]
    public void Errors_name_the_json_path(string json, string expected)
    {
        Assert.StartsWith(expected, Error(json));
    }

    [Theory]
    [InlineData("/echo/post", null, "/echo/post")]
    [InlineData("echo/post", null, "/echo/post")]
    [InlineData("", null, "/")]
    [InlineData("/p?a=1&b=2#frag", null, "/p?a=1&b=2")]
    [InlineData("/p?", null, "/p")]
    [InlineData("http://httpbin.org:8080/post?x=1", "httpbin.org:8080", "/post?x=1")]
    [InlineData("https://user@host", "host", "/")]
    [InlineData("//host/x", "host", "/x")]
    [InlineData("//p", "p", "/")]
    public void Url_is_split_as_wasm_go_does(string raw, string? host, string path)
    {
        CalloutUrl.Split(raw, out var actualHost, out var actualPath);

        Assert.Equal(host, actualHost);
        Assert.Equal(path, actualPath);
    }

    [Theory]
    [InlineData("plain", 100, "plain")]
    [InlineData("a\r\nb\tc\u007f", 100, "a  b\tc ")]
    [InlineData("abcdef", 3, "abc")]
    [InlineData("a你好", 3, "a")]
    [InlineData("a你好", 4, "a你")]
    public void Header_values_are_one_line_and_capped(string body, int max, string expected)
    {
        Assert.Equal(expected, HeaderValueSanitizer.ToHeaderValue(System.Text.Encoding.UTF8.GetBytes(body), max));
    }
}
