using Gateway.Clusters.Naming;
using YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Naming;

public class EnvoyClusterSnippetTests
{
    [Fact]
    public void StaticIpGivesStatic()
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.StaticIp, ServiceName = "172.22.220.21", Port = 8000 };
        Assert.Equal(
            """
            - name: 'outbound|8000||172.22.220.21.static'
              connect_timeout: 5s
              type: STATIC
              lb_policy: ROUND_ROBIN
              load_assignment:
                cluster_name: 'outbound|8000||172.22.220.21.static'
                endpoints:
                - lb_endpoints:
                  - endpoint:
                      address:
                        socket_address:
                          address: 172.22.220.21
                          port_value: 8000

            """.ReplaceLineEndings("\n"),
            EnvoyClusterSnippet.For(spec));
    }

    [Fact]
    public void FqdnGivesLogicalDns()
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.Fqdn, Fqdn = "httpbin.org", Port = 80 };
        var yaml = EnvoyClusterSnippet.For(spec);
        Assert.StartsWith("- name: 'outbound|80||httpbin.org'\n", yaml);
        Assert.Contains("  type: LOGICAL_DNS\n", yaml);
        Assert.Contains("              address: httpbin.org\n", yaml);
        Assert.Contains("              port_value: 80\n", yaml);
    }

    [Theory]
    [InlineData(HigressClusterKind.K8s, "foo.default.svc.cluster.local")]
    [InlineData(HigressClusterKind.Nacos, "foo")]
    [InlineData(HigressClusterKind.Consul, "foo.service.dc1.consul")]
    [InlineData(HigressClusterKind.Dns, "foo.example.com")]
    public void AddressPerKind(HigressClusterKind kind, string address)
    {
        var spec = new HigressClusterSpec
        {
            Kind = kind, ServiceName = "foo", Datacenter = "dc1", Domain = "foo.example.com", Port = 8080,
        };
        var yaml = EnvoyClusterSnippet.For(spec);
        Assert.Contains($"              address: {address}\n", yaml);
        Assert.Contains("  type: LOGICAL_DNS\n", yaml);
        Assert.Contains($"cluster_name: '{HigressClusterNaming.ClusterName(spec)}'", yaml);
    }

    [Theory]
    [InlineData(HigressClusterKind.Target)]
    [InlineData(HigressClusterKind.Route)]
    public void TargetAndRouteNeedAnAddress(HigressClusterKind kind)
    {
        var spec = new HigressClusterSpec { Kind = kind, Cluster = "c" };
        var ex = Assert.Throws<ArgumentException>(() => EnvoyClusterSnippet.For(spec));
        Assert.Contains("address", ex.Message);
    }

    [Theory]
    [InlineData("10.0.0.1", "STATIC", "10.0.0.1")]
    [InlineData("::1", "STATIC", "'::1'")]
    [InlineData("[2001:db8::1]", "STATIC", "'2001:db8::1'")]
    [InlineData("10.1", "LOGICAL_DNS", "'10.1'")]
    [InlineData("backend", "LOGICAL_DNS", "backend")]
    [InlineData("null", "LOGICAL_DNS", "'null'")]
    public void ExplicitAddress(string address, string type, string yamlAddress)
    {
        var yaml = EnvoyClusterSnippet.For("my|cluster's", address, 9000);
        Assert.StartsWith("- name: 'my|cluster''s'\n", yaml);
        Assert.Contains($"  type: {type}\n", yaml);
        Assert.Contains($"              address: {yamlAddress}\n", yaml);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void RejectsBadPorts(long port)
        => Assert.Throws<ArgumentOutOfRangeException>(() => EnvoyClusterSnippet.For("c", "1.2.3.4", port));

    [Fact]
    public void IsValidYamlUnderClusters()
    {
        var snippet = EnvoyClusterSnippet.For("outbound|8000||172.22.220.21.static", "::1", 8000);
        var doc = "clusters:\n" + string.Join("\n", snippet.Split('\n').Select(l => l.Length == 0 ? l : "  " + l));
        var stream = new YamlStream();
        stream.Load(new StringReader(doc));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var cluster = (YamlMappingNode)((YamlSequenceNode)root["clusters"])[0];
        Assert.Equal("outbound|8000||172.22.220.21.static", ((YamlScalarNode)cluster["name"]).Value);
        var socket = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)
            ((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)cluster["load_assignment"])["endpoints"])[0])["lb_endpoints"])[0])
            ["endpoint"])["address"])["socket_address"];
        Assert.Equal("::1", ((YamlScalarNode)socket["address"]).Value);
        Assert.Equal("8000", ((YamlScalarNode)socket["port_value"]).Value);
    }
}
