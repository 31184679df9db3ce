using Gateway.Tests.Support;

namespace Gateway.Tests.Routing;

/// <summary>
/// The order of the route, virtual host and route table header edits (Envoy's getRequestHeaderParsers): most
/// specific first by default, so an overwrite at the route table wins; reversed with the route table's
/// <c>most_specific_header_mutations_wins</c>, so the route's wins.
/// </summary>
public sealed class HeaderMutationOrderTests
{
    private static string Yaml(bool mostSpecificWins) => EnvoyYaml.WithRoutes(
        """
        - match: { prefix: "/" }
          direct_response: { status: 200, body: { inline_string: "ok" } }
          response_headers_to_add:
          - header: { key: x-level, value: route }
            append_action: OVERWRITE_IF_EXISTS_OR_ADD
          - header: { key: x-route-only, value: route }
        """,
        vhostExtra: """
        response_headers_to_add:
        - header: { key: x-level, value: vhost }
          append_action: OVERWRITE_IF_EXISTS_OR_ADD
        """,
        routeConfigExtra: (mostSpecificWins ? "most_specific_header_mutations_wins: true\n" : "") + """
        response_headers_to_add:
        - header: { key: x-level, value: table }
          append_action: OVERWRITE_IF_EXISTS_OR_ADD
        """);

    [Theory]
    [InlineData(false, "table")]
    [InlineData(true, "route")]
    public async Task The_level_evaluated_last_wins_an_overwrite(bool mostSpecificWins, string winner)
    {
        await using var gateway = await TestGateway.StartAsync(Yaml(mostSpecificWins));
        using var response = await gateway.Client.GetAsync("/");
        Assert.Equal(winner, Assert.Single(response.Headers.GetValues("x-level")));
        Assert.Equal("route", Assert.Single(response.Headers.GetValues("x-route-only")));
    }
}
