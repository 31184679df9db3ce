using Gateway.Clusters.Model;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads a Listener: address, listener_filters, filter_chains (each with its filter_chain_match,
/// transport socket and terminal network filter) and default_filter_chain.
/// </summary>
internal static class ListenerConfigReader
{
    private const string DownstreamTlsType = "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";

    public static ListenerConfig? Read(MessageReader listener, int index, IReadOnlySet<string> clusterNames, BootstrapLoadOptions options)
    {
        var name = listener.String("name") ?? $"listener_{index}";
        // An internal listener (reached from inside, not bound) or an API listener has no address in Envoy.
        var unbound = !listener.Has("address") && (listener.Has("internal_listener") || listener.Has("api_listener"));
        var address = unbound ? null : SocketAddressReader.Read(listener.Message("address", "envoy.config.core.v3.Address"), listener, "address", requireIp: true);
        var listenerFilters = ListenerFilterReader.ReadAll(listener.Messages("listener_filters", "envoy.config.listener.v3.ListenerFilter"));
        var filtersTimeout = listener.Has("listener_filters_timeout") ? listener.Duration("listener_filters_timeout") ?? TimeSpan.Zero : TimeSpan.FromSeconds(15);
        var continueOnTimeout = listener.Bool("continue_on_listener_filters_timeout");
        var chainReaders = listener.Messages("filter_chains", "envoy.config.listener.v3.FilterChain");
        var defaultReader = listener.Message("default_filter_chain", "envoy.config.listener.v3.FilterChain");
        listenerFilters = WithProxyProtocolFromChain(listenerFilters, chainReaders.Count > 0 ? chainReaders[0] : defaultReader);
        listener.Finish();
        if (chainReaders.Count == 0 && defaultReader is null)
        {
            listener.Context.Error(listener.Join("filter_chains"), listener.Mark, "a listener needs at least one filter_chains entry (or a default_filter_chain)");
            return null;
        }

        var chains = new List<FilterChainConfig>(chainReaders.Count);
        var failed = false;
        for (var i = 0; i < chainReaders.Count; i++)
        {
            if (ReadChain(chainReaders[i], i, clusterNames, options) is { } chain)
            {
                chains.Add(chain);
            }
            else
            {
                failed = true;
            }
        }

        FilterChainConfig? defaultChain = null;
        if (defaultReader is not null)
        {
            defaultChain = ReadChain(defaultReader, -1, clusterNames, options);
            failed |= defaultChain is null;
        }

        if (failed || address is null)
        {
            return null;
        }

        CheckDuplicateMatches(chains, listener);
        var httpChains = chains.Concat(defaultChain is null ? [] : [defaultChain]).Where(c => c.Kind == NetworkFilterKind.HttpConnectionManager).ToList();
        var http = httpChains.FirstOrDefault();
        if (httpChains.Any(c => c.Tls is null) && httpChains.Any(c => c.Tls is not null))
        {
            listener.Context.Unsupported(listener.Join("filter_chains"), listener.Mark,
                "http_connection_manager chains with TLS and without TLS on one listener are not supported; put the cleartext ones on a listener of their own");
        }

        listenerFilters = WithInjectedInspectors(listenerFilters, chains);

        // One HCM chain that matches everything, with nothing to read first, is served by Kestrel alone (as
        // before filter chains were matched): no listener filter runs, tls_inspector and http_inspector
        // would learn nothing that changes the outcome.
        var isNetwork = !(chains.Count == 1 && defaultChain is null && chains[0].Kind == NetworkFilterKind.HttpConnectionManager
            && chains[0].Match.IsAny && listenerFilters.All(f => f.Kind is ListenerFilterKind.TlsInspector or ListenerFilterKind.HttpInspector));
        return new ListenerConfig(name, address, http?.Http, http?.Tls, listener.Path)
        {
            FilterChains = chains,
            DefaultFilterChain = defaultChain,
            ListenerFilters = listenerFilters,
            ListenerFiltersTimeout = filtersTimeout,
            ContinueOnListenerFiltersTimeout = continueOnTimeout,
            IsNetwork = isNetwork,
        };
    }

    /// <summary>
    /// The deprecated FilterChain.use_proxy_proto, as Envoy's ListenerImpl reads it: only the first chain (or the
    /// default chain when there is none) counts, and when it is true a proxy_protocol listener filter with its
    /// defaults runs after the configured ones. Envoy warns that the field ignores listener filter order; so does this.
    /// </summary>
    private static IReadOnlyList<ListenerFilterConfig> WithProxyProtocolFromChain(IReadOnlyList<ListenerFilterConfig> filters, MessageReader? chain)
    {
        if (chain is null || !chain.Bool("use_proxy_proto"))
        {
            return filters;
        }

        chain.Context.Warning(chain.Join("use_proxy_proto"), chain.MarkOf("use_proxy_proto"),
            "using deprecated field 'use_proxy_proto' is dangerous as it does not respect listener filter order; configure the envoy.filters.listener.proxy_protocol listener filter instead");
        return [.. filters, new ListenerFilterConfig(ListenerFilterKind.ProxyProtocol, "envoy.filters.listener.proxy_protocol")];
    }

    /// <summary>
    /// Envoy adds tls_inspector when a chain matches on server_names, application_protocols or
    /// transport_protocol tls and none is configured (it logs a warning); the same here.
    /// </summary>
    private static IReadOnlyList<ListenerFilterConfig> WithInjectedInspectors(IReadOnlyList<ListenerFilterConfig> filters, List<FilterChainConfig> chains)
    {
        if (filters.Any(f => f.Kind == ListenerFilterKind.TlsInspector))
        {
            return filters;
        }

        var needsTls = chains.Any(c => c.Match.TransportProtocol == "tls"
            || (c.Match.TransportProtocol.Length == 0 && (c.Match.ServerNames.Count > 0 || c.Match.ApplicationProtocols.Count > 0)));
        return needsTls ? [.. filters, new ListenerFilterConfig(ListenerFilterKind.TlsInspector, "envoy.filters.listener.tls_inspector")] : filters;
    }

    private static void CheckDuplicateMatches(List<FilterChainConfig> chains, MessageReader listener)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chain in chains)
        {
            var m = chain.Match;
            var key = string.Join('|', m.DestinationPort, string.Join(',', m.PrefixRanges), string.Join(',', m.ServerNames.Order(StringComparer.Ordinal)),
                m.TransportProtocol, string.Join(',', m.ApplicationProtocols.Order(StringComparer.Ordinal)), string.Join(',', m.DirectSourcePrefixRanges),
                m.SourceType, string.Join(',', m.SourcePrefixRanges), string.Join(',', m.SourcePorts.Order()));
            if (seen.TryGetValue(key, out var first))
            {
                listener.Context.Error(chain.YamlPath + ".filter_chain_match", YamlMark.None,
                    $"error adding listener: multiple filter chains with the same matching rules are defined (filter_chains[{first}] and filter_chains[{chain.Index}]); make one match more specific or merge them");
            }
            else
            {
                seen[key] = chain.Index;
            }
        }
    }

    private static FilterChainConfig? ReadChain(MessageReader chain, int index, IReadOnlySet<string> clusterNames, BootstrapLoadOptions options)
    {
        var chainName = chain.String("name");
        var match = chain.Message("filter_chain_match", "envoy.config.listener.v3.FilterChainMatch") is { } m
            ? FilterChainMatchReader.Read(m)
            : FilterChainMatchConfig.Any;
        // use_proxy_proto is read by the listener (WithProxyProtocolFromChain); here only so it is not reported.
        chain.Accept("use_proxy_proto");
        chain.Accept("metadata");
        chain.Accept("transport_socket_connect_timeout");
        DownstreamTlsConfig? tls = null;
        var tlsFailed = false;
        if (chain.Message("transport_socket", "envoy.config.core.v3.TransportSocket") is { } socket)
        {
            tls = ReadDownstreamTls(socket);
            tlsFailed = tls is null;
        }

        var filters = chain.Messages("filters", "envoy.config.listener.v3.Filter");
        chain.Finish();
        if (filters.Count == 0)
        {
            chain.Context.Error(chain.Join("filters"), chain.Mark, "the filter chain has no network filters; end it in http_connection_manager, tcp_proxy, echo or direct_response");
            return null;
        }

        NetworkFilterKind? kind = null;
        HttpConnectionManagerConfig? http = null;
        TcpProxyConfig? tcp = null;
        string? direct = null;
        var ok = !tlsFailed;
        for (var i = 0; i < filters.Count; i++)
        {
            var filter = filters[i];
            var filterName = filter.String("name") ?? "";
            var typed = filter.Any("typed_config");
            filter.Finish();
            if (typed is null)
            {
                if (filterName is "envoy.filters.network.echo" or "envoy.echo")
                {
                    kind ??= NetworkFilterKind.Echo;
                    continue;
                }

                filter.Context.Error(filter.Join("typed_config"), filter.Mark, $"network filter '{filterName}' needs a typed_config");
                ok = false;
                continue;
            }

            if (kind is not null)
            {
                filter.Context.Error(filter.Path, filter.Mark,
                    $"network filter '{filterName}' comes after the terminal filter of this chain (filters[{i - 1}]); a chain ends in one http_connection_manager, tcp_proxy, echo or direct_response");
                ok = false;
                continue;
            }

            switch (typed.TypeName)
            {
                case "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager":
                    kind = NetworkFilterKind.HttpConnectionManager;
                    http = HttpConnectionManagerReader.Read(typed.Reader, clusterNames, options);
                    ok &= http is not null;
                    break;
                case "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy":
                    kind = NetworkFilterKind.TcpProxy;
                    tcp = TcpProxyReader.Read(typed.Reader, clusterNames);
                    ok &= tcp is not null;
                    break;
                case "envoy.extensions.filters.network.echo.v3.Echo":
                    kind = NetworkFilterKind.Echo;
                    typed.Reader.Finish();
                    break;
                case "envoy.extensions.filters.network.direct_response.v3.Config":
                    kind = NetworkFilterKind.DirectResponse;
                    direct = typed.Reader.Message("response", "envoy.config.core.v3.DataSource") is { } response ? BootstrapLoader.ReadDataSource(response) : "";
                    typed.Reader.Finish();
                    break;
                case "envoy.extensions.filters.udp.udp_proxy.v3.UdpProxyConfig":
                    filter.Context.Unsupported(filter.Path, filter.Mark, $"network filter '{filterName}' (udp_proxy) is not supported: this gateway proxies TCP only");
                    ok = false;
                    break;
                default:
                    filter.Context.Unsupported(filter.Path, filter.Mark,
                        $"network filter '{filterName}' ({typed.TypeName}) is not supported; supported: http_connection_manager, tcp_proxy, echo, direct_response");
                    ok = false;
                    break;
            }
        }

        if (!ok || kind is null)
        {
            return null;
        }

        return new FilterChainConfig(chainName, index, match, tls, kind.Value, http, tcp, direct, chain.Path);
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
        var requireClient = tls.Bool("require_client_certificate");
        tls.Finish();
        if (common is null)
        {
            tls.Context.Error(tls.Join("common_tls_context"), tls.Mark, "DownstreamTlsContext needs common_tls_context.tls_certificates");
            return null;
        }

        var alpn = common.Strings("alpn_protocols");
        var certificates = common.Messages("tls_certificates", "envoy.extensions.transport_sockets.tls.v3.TlsCertificate");
        var validation = common.Message("validation_context", CertificateValidationReader.ValidationType) is { } validationReader
            ? CertificateValidationReader.Read(validationReader)
            : null;
        common.Finish();
        if (certificates.Count == 0)
        {
            common.Context.Error(common.Join("tls_certificates"), common.Mark, "a TLS listener needs one tls_certificates entry (certificate_chain and private_key)");
            return null;
        }

        if (CertificateValidationReader.ReadCertificate(certificates[0]) is not { } certificate)
        {
            return null;
        }

        return new DownstreamTlsConfig(certificate.Chain, certificate.Key, alpn) { RequireClientCertificate = requireClient, Validation = validation };
    }
}
