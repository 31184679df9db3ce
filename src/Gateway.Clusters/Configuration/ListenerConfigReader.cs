using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads a Listener: its address, one filter chain, the HTTP connection manager and TLS.</summary>
internal static class ListenerConfigReader
{
    private const string HcmType = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    private const string DownstreamTlsType = "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";

    public static ListenerConfig? Read(MessageReader listener, int index, IReadOnlySet<string> clusterNames, BootstrapLoadOptions options)
    {
        var name = listener.String("name") ?? $"listener_{index}";
        // An internal listener (reached from inside, not bound) or an API listener has no address in Envoy.
        var unbound = !listener.Has("address") && (listener.Has("internal_listener") || listener.Has("api_listener"));
        var address = unbound ? null : SocketAddressReader.Read(listener.Message("address", "envoy.config.core.v3.Address"), listener, "address", requireIp: true);
        foreach (var listenerFilter in listener.Messages("listener_filters", "envoy.config.listener.v3.ListenerFilter"))
        {
            // Kestrel inspects TLS (SNI, ALPN) and HTTP by itself, so these two change nothing here.
            var filterName = listenerFilter.String("name") ?? "";
            var typed = listenerFilter.Any("typed_config");
            if (filterName is "envoy.filters.listener.tls_inspector" or "envoy.filters.listener.http_inspector" ||
                typed?.TypeName is "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector" or "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector")
            {
                typed?.Reader.Finish();
                listenerFilter.Finish();
                continue;
            }

            listenerFilter.Context.Unsupported(listenerFilter.Path, listenerFilter.Mark, $"listener filter '{filterName}' is not supported");
        }

        var chains = listener.Messages("filter_chains", "envoy.config.listener.v3.FilterChain");
        listener.Finish();
        if (chains.Count == 0)
        {
            listener.Context.Error(listener.Join("filter_chains"), listener.Mark, "a listener needs one filter_chains entry with an http_connection_manager");
            return null;
        }

        for (var i = 1; i < chains.Count; i++)
        {
            chains[i].Context.Unsupported(chains[i].Path, chains[i].Mark,
                "more than one filter chain per listener is not supported (filter_chain_match selection); split them into listeners on their own ports");
        }

        var chain = chains[0];
        if (chain.Message("filter_chain_match", "envoy.config.listener.v3.FilterChainMatch") is { } match)
        {
            // An empty or SNI-only match on the single chain selects everything this listener accepts.
            match.Accept("server_names");
            match.Accept("transport_protocol");
            match.Accept("application_protocols");
            match.Finish();
        }

        chain.Accept("name");
        DownstreamTlsConfig? tls = null;
        if (chain.Message("transport_socket", "envoy.config.core.v3.TransportSocket") is { } socket)
        {
            tls = ReadDownstreamTls(socket);
        }

        HttpConnectionManagerConfig? http = null;
        var filters = chain.Messages("filters", "envoy.config.listener.v3.Filter");
        chain.Finish();
        foreach (var filter in filters)
        {
            var filterName = filter.String("name") ?? "";
            var typed = filter.Any("typed_config");
            filter.Finish();
            if (typed is null)
            {
                filter.Context.Error(filter.Join("typed_config"), filter.Mark, $"network filter '{filterName}' needs a typed_config");
                continue;
            }

            if (typed.TypeName != HcmType)
            {
                filter.Context.Unsupported(filter.Path, filter.Mark,
                    $"network filter '{filterName}' ({typed.TypeName}) is not supported; this gateway serves HTTP through envoy.filters.network.http_connection_manager");
                continue;
            }

            if (http is not null)
            {
                filter.Context.Error(filter.Path, filter.Mark, "a filter chain can hold only one http_connection_manager");
                continue;
            }

            http = HttpConnectionManagerReader.Read(typed.Reader, clusterNames, options);
        }

        if (http is null || address is null)
        {
            if (http is null && filters.Count == 0)
            {
                chain.Context.Error(chain.Join("filters"), chain.Mark, "the filter chain has no http_connection_manager");
            }

            return null;
        }

        return new ListenerConfig(name, address, http, tls, listener.Path);
    }

    private static DownstreamTlsConfig? ReadDownstreamTls(MessageReader socket)
    {
        socket.Accept("name");
        var typed = socket.Any("typed_config");
        socket.Finish();
        if (typed is null)
        {
            socket.Context.Error(socket.Join("typed_config"), socket.Mark, "transport_socket needs a typed_config (DownstreamTlsContext)");
            return null;
        }

        if (typed.TypeName != DownstreamTlsType)
        {
            socket.Context.Unsupported(socket.Path, socket.Mark, $"listener transport socket {typed.TypeName} is not supported; use {DownstreamTlsType}");
            return null;
        }

        var tls = typed.Reader;
        var common = tls.Message("common_tls_context", "envoy.extensions.transport_sockets.tls.v3.CommonTlsContext");
        tls.Accept("require_client_certificate");
        tls.Finish();
        if (common is null)
        {
            tls.Context.Error(tls.Join("common_tls_context"), tls.Mark, "DownstreamTlsContext needs common_tls_context.tls_certificates");
            return null;
        }

        var alpn = common.Strings("alpn_protocols");
        var certificates = common.Messages("tls_certificates", "envoy.extensions.transport_sockets.tls.v3.TlsCertificate");
        common.Finish();
        if (certificates.Count == 0)
        {
            common.Context.Error(common.Join("tls_certificates"), common.Mark, "a TLS listener needs one tls_certificates entry (certificate_chain and private_key)");
            return null;
        }

        var certificate = certificates[0];
        var chainPem = BootstrapLoader.ReadDataSource(certificate.Message("certificate_chain", "envoy.config.core.v3.DataSource"));
        var keyPem = BootstrapLoader.ReadDataSource(certificate.Message("private_key", "envoy.config.core.v3.DataSource"));
        certificate.Finish();
        if (chainPem is null || keyPem is null)
        {
            certificate.Context.Error(certificate.Path, certificate.Mark, "tls_certificates needs certificate_chain and private_key");
            return null;
        }

        try
        {
            using var probe = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(chainPem, keyPem);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            certificate.Context.Error(certificate.Path, certificate.Mark, $"the certificate or private key is not valid PEM: {e.Message}");
            return null;
        }

        return new DownstreamTlsConfig(chainPem, keyPem, alpn);
    }
}
