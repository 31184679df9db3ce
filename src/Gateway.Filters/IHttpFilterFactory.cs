using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters;

/// <summary>
/// One kind of HTTP filter: parses its own typed_config (and per-route config) at load, as
/// <see cref="IHttpFilterConfigParser"/>, and builds the runtime filter from the parsed settings.
/// Registered with one line in the gateway's filter list.
/// </summary>
public interface IHttpFilterFactory : IHttpFilterConfigParser
{
    /// <summary>True for the router, which ends the chain and is run by the gateway's forwarder.</summary>
    bool IsTerminal => false;

    /// <summary>Builds the filter from <see cref="HttpFilterConfig.Settings"/>; null for a terminal filter.</summary>
    IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services);
}
