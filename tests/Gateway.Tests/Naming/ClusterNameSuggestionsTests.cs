using Gateway.Clusters.Naming;

namespace Gateway.Tests.Naming;

public class ClusterNameSuggestionsTests
{
    private static readonly string[] Defined =
    [
        "outbound|8000||x.static",
        "outbound|80||httpbin.org",
        "outbound|8080||foo.default.svc.cluster.local",
        "outbound|8080|1.0|foo.DEFAULT-GROUP.xxxx.nacos",
        "local_service",
    ];

    [Theory]
    [InlineData("outbound|8000||x", "outbound|8000||x.static")]
    [InlineData("outbound|8080||httpbin.org", "outbound|80||httpbin.org")]
    [InlineData("OUTBOUND|80||HTTPBIN.ORG", "outbound|80||httpbin.org")]
    [InlineData("outbound|8080||foo.svc.cluster.local", "outbound|8080||foo.default.svc.cluster.local")]
    [InlineData("outbound|8080|1.0|foo.DEFAULT_GROUP.xxxx.nacos", "outbound|8080|1.0|foo.DEFAULT-GROUP.xxxx.nacos")]
    [InlineData("local_servic", "local_service")]
    public void SuggestsTheNearMiss(string wanted, string expected)
        => Assert.Equal(expected, ClusterNameSuggestions.Closest(wanted, Defined)[0]);

    [Fact]
    public void UnrelatedNamesAreNotSuggested()
    {
        Assert.Empty(ClusterNameSuggestions.Closest("outbound|443||api.example.com", Defined));
        Assert.Empty(ClusterNameSuggestions.Closest("zzz", Defined));
    }

    [Fact]
    public void NearestFirstAndLimited()
    {
        string[] defined = ["abcdx", "abcde", "abcxy", "abc", "abcd", "abcd"];
        var result = ClusterNameSuggestions.Closest("abcd", defined, 2);
        Assert.Equal(["abcd", "abc"], result);
        Assert.Equal(5, ClusterNameSuggestions.Closest("abcd", defined, 10).Count); // duplicates collapse
        Assert.Empty(ClusterNameSuggestions.Closest("abcd", defined, 0));
    }
}
