using System.Text.Json;
using Gateway.Clusters.Naming;

namespace Gateway.Tests.Naming;

public class HigressClusterSpecParserTests
{
    private static (HigressClusterSpec? Spec, string? Error) Parse(string json, string path = "$.cluster")
    {
        using var doc = JsonDocument.Parse(json);
        HigressClusterSpecParser.TryParse(doc.RootElement, path, out var spec, out var error);
        return (spec, error);
    }

    private static HigressClusterSpec Ok(string json)
    {
        var (spec, error) = Parse(json);
        Assert.Null(error);
        Assert.NotNull(spec);
        return spec!;
    }

    [Theory]
    [InlineData("static_ip", HigressClusterKind.StaticIp)]
    [InlineData("STATIC_IP", HigressClusterKind.StaticIp)]
    [InlineData("StaticIpCluster", HigressClusterKind.StaticIp)]
    [InlineData("staticip", HigressClusterKind.StaticIp)]
    public void StaticIpTypeNames(string type, HigressClusterKind kind)
    {
        var spec = Ok($$"""{"type": "{{type}}", "service_name": "172.22.220.21", "port": 8000}""");
        Assert.Equal(kind, spec.Kind);
        Assert.Equal("outbound|8000||172.22.220.21.static", HigressClusterNaming.ClusterName(spec));
    }

    [Theory]
    [InlineData("fqdn")]
    [InlineData("FQDN")]
    [InlineData("FQDNCluster")]
    public void Fqdn(string type)
    {
        var spec = Ok($$"""{"type": "{{type}}", "fqdn": "httpbin.org", "port": 80, "host": "httpbin.org"}""");
        Assert.Equal(HigressClusterKind.Fqdn, spec.Kind);
        Assert.Equal("outbound|80||httpbin.org", HigressClusterNaming.ClusterName(spec));
        Assert.Equal("httpbin.org", HigressClusterNaming.HostName(spec));
    }

    [Theory]
    [InlineData("k8s", HigressClusterKind.K8s)]
    [InlineData("K8sCluster", HigressClusterKind.K8s)]
    [InlineData("nacos", HigressClusterKind.Nacos)]
    [InlineData("NacosCluster", HigressClusterKind.Nacos)]
    [InlineData("consul", HigressClusterKind.Consul)]
    [InlineData("ConsulCluster", HigressClusterKind.Consul)]
    [InlineData("route", HigressClusterKind.Route)]
    [InlineData("RouteCluster", HigressClusterKind.Route)]
    public void GoTypeNamesAreAccepted(string type, HigressClusterKind kind)
    {
        var json = kind == HigressClusterKind.Route
            ? $$"""{"type": "{{type}}"}"""
            : $$"""{"type": "{{type}}", "service_name": "foo", "port": 8080}""";
        Assert.Equal(kind, Ok(json).Kind);
    }

    [Fact]
    public void AllK8sFields()
    {
        var spec = Ok("""{"type":"k8s","service_name":"foo","namespace":"prod","version":"v1","port":8080,"host":"h"}""");
        Assert.Equal(new HigressClusterSpec
        {
            Kind = HigressClusterKind.K8s, ServiceName = "foo", Namespace = "prod", Version = "v1", Port = 8080, Host = "h",
        }, spec);
    }

    [Fact]
    public void AllNacosFields()
    {
        var spec = Ok("""
            {"type":"nacos","service_name":"foo","group":"","namespace_id":"xxxx","version":"1.0","port":8080,
             "is_ext_registry":false,"host":""}
            """);
        Assert.Equal("outbound|8080|1.0|foo.DEFAULT-GROUP.xxxx.nacos", HigressClusterNaming.ClusterName(spec));
        Assert.True(Ok("""{"type":"nacos","service_name":"foo","port":1,"is_ext_registry":true}""").IsExtRegistry);
    }

    [Fact]
    public void ConsulDnsTarget()
    {
        Assert.Equal("outbound|8500||web.dc1.consul",
            HigressClusterNaming.ClusterName(Ok("""{"type":"consul","service_name":"web","datacenter":"dc1","port":8500}""")));
        var dns = Ok("""{"type":"DnsCluster","service_name":"ext","domain":"api.example.com","port":443}""");
        Assert.Equal("outbound|443||ext.dns", HigressClusterNaming.ClusterName(dns));
        Assert.Equal("api.example.com", HigressClusterNaming.HostName(dns));
        var target = Ok("""{"type":"TargetCluster","cluster":"my-cluster","host":"h"}""");
        Assert.Equal("my-cluster", HigressClusterNaming.ClusterName(target));
        Assert.Equal("h", HigressClusterNaming.HostName(target));
    }

    [Theory]
    // Port: wrong type, out of range, not an integer.
    [InlineData("""{"type":"static_ip","service_name":"a","port":"8000"}""", "$.cluster.port: expected an integer 1-65535")]
    [InlineData("""{"type":"static_ip","service_name":"a","port":0}""", "$.cluster.port: expected an integer 1-65535")]
    [InlineData("""{"type":"static_ip","service_name":"a","port":65536}""", "$.cluster.port: expected an integer 1-65535")]
    [InlineData("""{"type":"static_ip","service_name":"a","port":80.5}""", "$.cluster.port: expected an integer 1-65535")]
    // Missing required fields.
    [InlineData("""{"type":"static_ip","port":8000}""", "$.cluster.service_name: missing")]
    [InlineData("""{"type":"fqdn","port":80}""", "$.cluster.fqdn: missing")]
    [InlineData("""{"type":"fqdn","fqdn":"a"}""", "$.cluster.port: missing")]
    [InlineData("""{"type":"target"}""", "$.cluster.cluster: missing")]
    [InlineData("""{"type":"dns","service_name":"a","port":80}""", "$.cluster.domain: missing")]
    [InlineData("""{"type":"fqdn","fqdn":"","port":80}""", "$.cluster.fqdn: must not be empty")]
    // Type problems.
    [InlineData("""{"service_name":"a","port":80}""", "$.cluster.type: missing")]
    [InlineData("""{"type":"eureka","service_name":"a","port":80}""", "$.cluster.type: unknown cluster type \"eureka\"")]
    [InlineData("""{"type":5}""", "$.cluster.type: expected a string")]
    // Unknown, misplaced, duplicated, wrongly typed fields.
    [InlineData("""{"type":"static_ip","serviceName":"a","port":80}""", "$.cluster.serviceName: unknown field (did you mean \"service_name\"?)")]
    [InlineData("""{"type":"static_ip","service_name":"a","port":80,"namespace":"x"}""", "$.cluster.namespace: not a field of static_ip clusters")]
    [InlineData("""{"type":"dns","service_name":"a","port":80,"domain":"d","host":"h"}""", "$.cluster.host: not a field of dns clusters")]
    [InlineData("""{"type":"static_ip","service_name":"a","service_name":"b","port":80}""", "$.cluster.service_name: given more than once")]
    [InlineData("""{"type":"static_ip","service_name":1,"port":80}""", "$.cluster.service_name: expected a string")]
    [InlineData("""{"type":"static_ip","service_name":null,"port":80}""", "$.cluster.service_name: expected a string")]
    [InlineData("""{"type":"nacos","service_name":"a","port":80,"is_ext_registry":"yes"}""", "$.cluster.is_ext_registry: expected true or false")]
    [InlineData("""{"type":"static_ip","service_name":"a","port":80,"a b":1}""", "$.cluster['a b']: unknown field")]
    [InlineData("""[1]""", "$.cluster: expected an object")]
    public void ErrorsNameThePath(string json, string expectedStart)
    {
        var (spec, error) = Parse(json);
        Assert.Null(spec);
        Assert.NotNull(error);
        Assert.StartsWith(expectedStart, error);
    }

    [Fact]
    public void ErrorsSayWhatToDo()
    {
        Assert.Contains("\"port\": 8000", Parse("""{"type":"fqdn","fqdn":"a","port":"80"}""").Error);
        Assert.Contains("static_ip, fqdn, k8s", Parse("""{"type":"x"}""").Error);
        Assert.Contains("remove it", Parse("""{"type":"route","port":80}""").Error);
    }

    [Fact]
    public void UsesTheGivenPath()
    {
        Assert.StartsWith("$.plugins[0].cluster.port:", Parse("""{"type":"fqdn","fqdn":"a"}""", "$.plugins[0].cluster").Error);
        Assert.StartsWith("$.port:", Parse("""{"type":"fqdn","fqdn":"a"}""", "").Error);
    }

    [Fact]
    public void ParseReturnsAResult()
    {
        using var good = JsonDocument.Parse("""{"type":"route"}""");
        var ok = HigressClusterSpecParser.Parse(good.RootElement, "$.cluster");
        Assert.True(ok.Success);
        Assert.Equal(HigressClusterKind.Route, ok.Spec!.Kind);

        using var bad = JsonDocument.Parse("""{"type":"nope"}""");
        var failed = HigressClusterSpecParser.Parse(bad.RootElement, "$.cluster");
        Assert.False(failed.Success);
        Assert.StartsWith("$.cluster.type:", failed.Error);
    }
}
