using Gateway.Clusters.Naming;

namespace Gateway.Tests.Naming;

public class HigressClusterNamingTests
{
    [Theory]
    [InlineData("172.22.220.21", 8000, "", "outbound|8000||172.22.220.21.static", "172.22.220.21")]
    [InlineData("172.22.220.21", 8000, "api.example.com", "outbound|8000||172.22.220.21.static", "api.example.com")]
    [InlineData("my-svc", 80, "", "outbound|80||my-svc.static", "my-svc")]
    public void StaticIp(string serviceName, long port, string host, string name, string authority)
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.StaticIp, ServiceName = serviceName, Port = port, Host = host };
        Assert.Equal(name, HigressClusterNaming.ClusterName(spec));
        Assert.Equal(authority, HigressClusterNaming.HostName(spec));
    }

    [Theory]
    [InlineData("httpbin.org", 80, "", "outbound|80||httpbin.org", "httpbin.org")]
    [InlineData("httpbin.org", 443, "example.com", "outbound|443||httpbin.org", "example.com")]
    public void Fqdn(string fqdn, long port, string host, string name, string authority)
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.Fqdn, Fqdn = fqdn, Port = port, Host = host };
        Assert.Equal(name, HigressClusterNaming.ClusterName(spec));
        Assert.Equal(authority, HigressClusterNaming.HostName(spec));
    }

    [Theory]
    [InlineData("foo", "default", "", "", "outbound|8080||foo.default.svc.cluster.local", "foo.default.svc.cluster.local")]
    [InlineData("foo", "prod", "v1", "", "outbound|8080|v1|foo.prod.svc.cluster.local", "foo.prod.svc.cluster.local")]
    [InlineData("foo", "prod", "v1", "foo.internal", "outbound|8080|v1|foo.prod.svc.cluster.local", "foo.internal")]
    // Quirk: empty namespace is "default" in the name but stays empty in the authority.
    [InlineData("foo", "", "", "", "outbound|8080||foo.default.svc.cluster.local", "foo..svc.cluster.local")]
    public void K8s(string service, string ns, string version, string host, string name, string authority)
    {
        var spec = new HigressClusterSpec
        {
            Kind = HigressClusterKind.K8s, ServiceName = service, Namespace = ns, Version = version, Host = host, Port = 8080,
        };
        Assert.Equal(name, HigressClusterNaming.ClusterName(spec));
        Assert.Equal(authority, HigressClusterNaming.HostName(spec));
    }

    [Fact]
    public void K8sEmptyNamespaceAuthorityIsTheGoQuirk()
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.K8s, ServiceName = "svc", Port = 80 };
        Assert.Equal("svc..svc.cluster.local", HigressClusterNaming.HostName(spec));
        Assert.Equal("outbound|80||svc.default.svc.cluster.local", HigressClusterNaming.ClusterName(spec));
    }

    [Theory]
    [InlineData("", false, "outbound|8080|1.0|foo.DEFAULT-GROUP.xxxx.nacos")]
    [InlineData("", true, "outbound|8080|1.0|foo.DEFAULT-GROUP.xxxx.nacos-ext")]
    [InlineData("MY_GROUP_A", false, "outbound|8080|1.0|foo.MY-GROUP-A.xxxx.nacos")]
    [InlineData("DEFAULT_GROUP", false, "outbound|8080|1.0|foo.DEFAULT-GROUP.xxxx.nacos")]
    [InlineData("g", true, "outbound|8080|1.0|foo.g.xxxx.nacos-ext")]
    public void NacosName(string group, bool ext, string name)
    {
        var spec = new HigressClusterSpec
        {
            Kind = HigressClusterKind.Nacos, ServiceName = "foo", Group = group, NamespaceId = "xxxx", Port = 8080,
            Version = "1.0", IsExtRegistry = ext,
        };
        Assert.Equal(name, HigressClusterNaming.ClusterName(spec));
        Assert.Equal("foo", HigressClusterNaming.HostName(spec));
    }

    [Fact]
    public void NacosEmptyVersionAndNamespaceId()
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.Nacos, ServiceName = "foo", Port = 80, Host = "h" };
        Assert.Equal("outbound|80||foo.DEFAULT-GROUP..nacos", HigressClusterNaming.ClusterName(spec));
        Assert.Equal("h", HigressClusterNaming.HostName(spec));
    }

    [Theory]
    [InlineData("", "outbound|8500||web.dc1.consul", "web")]
    [InlineData("web.example", "outbound|8500||web.dc1.consul", "web.example")]
    public void Consul(string host, string name, string authority)
    {
        var spec = new HigressClusterSpec
        {
            Kind = HigressClusterKind.Consul, ServiceName = "web", Datacenter = "dc1", Port = 8500, Host = host,
        };
        Assert.Equal(name, HigressClusterNaming.ClusterName(spec));
        Assert.Equal(authority, HigressClusterNaming.HostName(spec));
    }

    [Fact]
    public void DnsAuthorityIsAlwaysTheDomain()
    {
        // Host is not a DnsCluster field in Go, so it must be ignored even when set.
        var spec = new HigressClusterSpec
        {
            Kind = HigressClusterKind.Dns, ServiceName = "ext", Domain = "api.example.com", Port = 443, Host = "ignored",
        };
        Assert.Equal("outbound|443||ext.dns", HigressClusterNaming.ClusterName(spec));
        Assert.Equal("api.example.com", HigressClusterNaming.HostName(spec));
    }

    [Theory]
    [InlineData("my-cluster", "", "")]
    [InlineData("outbound|80||x.static", "x.example", "x.example")]
    public void TargetIsVerbatim(string cluster, string host, string authority)
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.Target, Cluster = cluster, Host = host, Port = 1234 };
        Assert.Equal(cluster, HigressClusterNaming.ClusterName(spec, "route-cluster"));
        Assert.Equal(authority, HigressClusterNaming.HostName(spec, "request.example"));
    }

    [Theory]
    [InlineData("", "req.example", "req.example")]
    [InlineData("override.example", "req.example", "override.example")]
    [InlineData("", null, "")]
    public void RouteUsesTheMatchedRoute(string host, string? requestAuthority, string authority)
    {
        var spec = new HigressClusterSpec { Kind = HigressClusterKind.Route, Host = host };
        Assert.Equal("outbound|80||backend", HigressClusterNaming.ClusterName(spec, "outbound|80||backend"));
        Assert.Equal("", HigressClusterNaming.ClusterName(spec));
        Assert.Equal(authority, HigressClusterNaming.HostName(spec, requestAuthority));
    }

    [Fact]
    public void PortIsFormattedLikeGoPercentD()
    {
        var zero = new HigressClusterSpec { Kind = HigressClusterKind.Fqdn, Fqdn = "a" };
        var negative = zero with { Port = -1 };
        Assert.Equal("outbound|0||a", HigressClusterNaming.ClusterName(zero));
        Assert.Equal("outbound|-1||a", HigressClusterNaming.ClusterName(negative));
    }
}
