using Gateway.Cli;

namespace Gateway.Tests.HttpCall;

public class ClusterNameCommandTests
{
    private static (int Code, string Out, string Err) Run(string json)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = ClusterNameCommand.Run(json, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Static_ip_prints_the_name_then_a_static_cluster()
    {
        var (code, output, error) = Run("""{"type": "static_ip", "service_name": "172.22.220.21", "port": 8000, "host": "172.22.220.21"}""");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        var lines = output.Split('\n');
        Assert.Equal("outbound|8000||172.22.220.21.static", lines[0]);
        Assert.Contains("- name: 'outbound|8000||172.22.220.21.static'\n", output);
        Assert.Contains("  type: STATIC\n", output);
        Assert.Contains("              address: 172.22.220.21\n", output);
    }

    [Fact]
    public void Fqdn_prints_a_logical_dns_cluster()
    {
        var (code, output, _) = Run("""{"type": "fqdn", "fqdn": "httpbin.org", "port": 80}""");

        Assert.Equal(0, code);
        Assert.StartsWith("outbound|80||httpbin.org\n", output);
        Assert.Contains("  type: LOGICAL_DNS\n", output);
    }

    [Fact]
    public void K8s_name_keeps_wasm_go_quirks()
    {
        var (_, output, _) = Run("""{"type": "k8s", "service_name": "foo", "port": 8080}""");

        Assert.StartsWith("outbound|8080||foo.default.svc.cluster.local\n", output);
    }

    [Theory]
    [InlineData("{not json", "cluster-name: invalid JSON at line 1")]
    [InlineData("""{"type": "fqdn", "port": 80}""", "cluster-name: $.fqdn: missing")]
    [InlineData("", "cluster-name: give the cluster as JSON")]
    public void Bad_input_is_one_line_on_stderr_and_exit_1(string json, string expected)
    {
        var (code, output, error) = Run(json);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith(expected, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
