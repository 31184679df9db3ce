using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Fault;

/// <summary>Envoy's fault-injection example: faults configured at 0% and turned on through the runtime (fault.http.abort.abort_percent, ...).</summary>
public sealed class FaultRuntimeTests
{
    private const string Filter = """
        - name: envoy.filters.http.fault
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault
            abort:
              http_status: 503
              percentage: { numerator: 0, denominator: HUNDRED }
        """;

    [Fact]
    public async Task Runtime_keys_turn_a_zero_percent_abort_on_and_change_its_status()
    {
        var yaml = EnvoyYaml.WithRoutes("""
            - match: { prefix: "/" }
              direct_response: { status: 200, body: { inline_string: ok } }
            """, httpFilters: Filter) + """
            layered_runtime:
              layers:
              - name: admin
                admin_layer: {}
            """;
        await using var gw = await TestGateway.StartAsync(yaml);

        using (var before = await gw.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        (await gw.Admin.PostAsync("/runtime_modify?fault.http.abort.abort_percent=100", null)).Dispose();
        using (var aborted = await gw.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, aborted.StatusCode);
            Assert.Equal("fault filter abort", await aborted.Content.ReadAsStringAsync());
        }

        (await gw.Admin.PostAsync("/runtime_modify?fault.http.abort.http_status=418", null)).Dispose();
        using (var teapot = await gw.Client.GetAsync("/"))
        {
            Assert.Equal((HttpStatusCode)418, teapot.StatusCode);
        }
    }
}
