using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Clusters.Model;
using Gateway.Codec;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Hosting;

/// <summary>
/// One Kestrel server bound to one envoy.yaml listener (or the admin address). A listener gets its own
/// server so a reload can bind a new one, or stop a removed one (unbind, drain, release the port),
/// without touching the connections of the others. Its connections carry the <see cref="Slot"/> in their
/// items, which is how the request handler finds the listener (as cheap as with one shared server).
/// </summary>
internal sealed class ListenerServer : IDisposable
{
    private readonly KestrelServer _server;

    private ListenerServer(ListenerSlot slot, string binding, KestrelServerOptions options, IConnectionListenerFactory transport, ILoggerFactory loggerFactory)
    {
        Slot = slot;
        Binding = binding;
        _server = new KestrelServer(Options.Create(options), transport, loggerFactory);
    }

    public ListenerSlot Slot { get; }

    /// <summary>What the socket depends on (address, port, codec, TLS, header limit); a change means a rebind.</summary>
    public string Binding { get; }

    public KestrelServer Kestrel => _server;

    /// <summary>A server for an envoy.yaml listener; nothing is bound until it is started.</summary>
    /// <param name="snapshot">The current snapshot, read by network listeners per accepted connection.</param>
    public static ListenerServer ForListener(ListenerConfig listener, IServiceProvider services, IConnectionListenerFactory transport, ILoggerFactory loggerFactory,
        Func<GatewaySnapshot?>? snapshot = null)
    {
        if (listener.IsNetwork)
        {
            return ForNetworkListener(listener, services, transport, loggerFactory, snapshot ?? (() => null));
        }

        var slot = new ListenerSlot(listener.Name, isAdmin: false);
        var http = listener.Http!;
        var options = NewOptions(services, http.MaxRequestHeadersKb);
        ApplyConnectionSettings(options, http.Protocol);
        var limits = Http1Limits.Of(http);
        var maxDuration = http.Protocol.MaxConnectionDuration;
        options.Listen(IPAddress.Parse(listener.Address.Address), listener.Address.Port, listen =>
        {
            slot.ListenOptions = listen;
            listen.Protocols = http.CodecType switch
            {
                CodecType.Http1 => HttpProtocols.Http1,
                CodecType.Http2 => HttpProtocols.Http2,
                // TLS offers h2 via ALPN; cleartext AUTO tells HTTP/2 by its preface (H2cPriorKnowledge), as Envoy does.
                _ => listener.Tls is not null || H2cPriorKnowledge.Supported ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1,
            };
            var sniff = listener.Tls is null && listen.Protocols == HttpProtocols.Http1AndHttp2;
            listen.Use(next => connection =>
            {
                DownstreamConnection.Attach(slot, connection);
                if (maxDuration is { } duration)
                {
                    CloseAfter(connection, duration);
                }

                return CountConnectionAsync(slot, connection, next);
            });
            if (listener.Tls is { } tls)
            {
                var certificate = X509Certificate2.CreateFromPem(tls.CertificateChainPem, tls.PrivateKeyPem);
                if (tls.RequestsClientCertificate)
                {
                    // Envoy's require_client_certificate and validation_context: ask for a client certificate, check the one given.
                    var check = Clusters.Tls.PeerCertificateValidator.ForClients(tls);
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = certificate,
                        ClientCertificateMode = tls.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate,
                        ClientCertificateValidation = (client, chain, _) => check(client, chain),
                        CheckCertificateRevocation = false,
                    });
                }
                else
                {
                    listen.UseHttps(certificate);
                }
            }

            if (sniff)
            {
                var idle = http.Protocol.IdleTimeout;
                listen.Use(next => async connection =>
                {
                    if (await H2cPriorKnowledge.ChooseAsync(connection, idle).ConfigureAwait(false))
                    {
                        await next(connection).ConfigureAwait(false);
                    }
                });
            }

            if (listen.Protocols.HasFlag(HttpProtocols.Http2))
            {
                // After TLS: Envoy's HTTP/2 flood limits, for connections that speak HTTP/2.
                var http2 = http.Protocol.Http2;
                var prior = listen.Protocols == HttpProtocols.Http2;
                listen.Use(next => connection =>
                {
                    if ((prior || SpeaksH2(connection)) && connection.Items[ListenerSlot.ItemKey] is DownstreamConnection downstream)
                    {
                        GuardHttp2(connection, downstream, http2);
                    }

                    return next(connection);
                });
            }

            if (listen.Protocols != HttpProtocols.Http2)
            {
                // After TLS: Envoy's HTTP/1 codec rules on the plaintext, for connections that speak HTTP/1.
                listen.Use(next => connection =>
                {
                    if (!SpeaksH2(connection) && connection.Items[ListenerSlot.ItemKey] is DownstreamConnection downstream)
                    {
                        GuardHttp1(connection, downstream, limits);
                    }

                    return next(connection);
                });
            }

            listen.Use(next => connection => CountCodecAsync(connection, listen.Protocols == HttpProtocols.Http2 || SpeaksH2(connection), next));
        });
        return new ListenerServer(slot, BindingOf(listener), options, transport, loggerFactory);
    }

    /// <summary>
    /// A listener served connection by connection (<see cref="Network.NetworkConnectionHandler"/>): its
    /// middleware picks the chain; HCM chains go on to Kestrel's HTTP, through TLS with the chain's own
    /// certificate when the chains have TLS (all of them or none; the reader refuses a mix).
    /// </summary>
    private static ListenerServer ForNetworkListener(ListenerConfig listener, IServiceProvider services, IConnectionListenerFactory transport, ILoggerFactory loggerFactory,
        Func<GatewaySnapshot?> snapshot)
    {
        var slot = new ListenerSlot(listener.Name, isAdmin: false);
        var http = HttpChains(listener).FirstOrDefault();
        var options = NewOptions(services, MaxHeadersKb(listener));
        if (http?.Http is { } chainHttp)
        {
            // One Kestrel server for all chains: the first HTTP chain's connection settings; Kestrel's
            // header count lets every chain's own limit through (each chain's HTTP/1 guard applies its own).
            ApplyConnectionSettings(options, chainHttp.Protocol);
            options.Limits.MaxRequestHeaderCount = HttpChains(listener).Max(c => Math.Max(c.Http!.Protocol.MaxHeadersCount, 1));
        }

        var handler = new Network.NetworkConnectionHandler(slot, snapshot, loggerFactory);
        options.Listen(IPAddress.Parse(listener.Address.Address), listener.Address.Port, listen =>
        {
            slot.ListenOptions = listen;
            // Cleartext: each connection's protocol from its chain's codec_type, AUTO by the preface (H2cPriorKnowledge).
            var perChain = http is not null && http.Tls is null && H2cPriorKnowledge.Supported;
            listen.Protocols = http?.Tls is not null || perChain ? HttpProtocols.Http1AndHttp2
                : http?.Http?.CodecType == CodecType.Http2 ? HttpProtocols.Http2 : HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Items[ListenerSlot.ItemKey] = slot;
                return CountConnectionAsync(slot, connection, c => handler.OnConnectionAsync(c, next));
            });
            if (http?.Tls is not null)
            {
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = static context =>
                        context.Connection.Items.TryGetValue(Network.CompiledFilterChain.ItemKey, out var chain) && chain is Network.CompiledFilterChain { ServerOptions: { } tls }
                            ? ValueTask.FromResult(tls)
                            : ValueTask.FromException<System.Net.Security.SslServerAuthenticationOptions>(new IOException("no TLS filter chain for this connection")),
                });
            }

            if (perChain)
            {
                // Kestrel is only reached through an HTTP chain (NetworkConnectionHandler.ServeHttpAsync), which is in the items.
                listen.Use(next => async connection =>
                {
                    var chainHttp = ((Network.CompiledFilterChain)connection.Items[Network.CompiledFilterChain.ItemKey]!).Config.Http!;
                    if (await H2cPriorKnowledge.ChooseAsync(connection, chainHttp.CodecType, chainHttp.Protocol.IdleTimeout).ConfigureAwait(false))
                    {
                        await next(connection).ConfigureAwait(false);
                    }
                });
            }

            // After TLS: the codec guards of the chain picked (its own HCM's limits), as an HTTP listener's.
            var prior = listen.Protocols == HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                if (connection.Items.TryGetValue(Network.CompiledFilterChain.ItemKey, out var value) && value is Network.CompiledFilterChain { Config.Http: { } chainHttp, Http1Limits: { } chainLimits } &&
                    connection.Items[ListenerSlot.ItemKey] is DownstreamConnection downstream)
                {
                    if (prior || SpeaksH2(connection))
                    {
                        GuardHttp2(connection, downstream, chainHttp.Protocol.Http2);
                    }
                    else
                    {
                        GuardHttp1(connection, downstream, chainLimits);
                    }
                }

                return next(connection);
            });
            listen.Use(next => connection => CountCodecAsync(connection, prior || SpeaksH2(connection), next));
        });
        return new ListenerServer(slot, BindingOf(listener), options, transport, loggerFactory);
    }

    /// <summary>The largest max_request_headers_kb of a network listener's HTTP chains: Kestrel's own limits must let each chain's through.</summary>
    private static int MaxHeadersKb(ListenerConfig listener) =>
        HttpChains(listener).Select(c => c.Http!.MaxRequestHeadersKb).DefaultIfEmpty(60).Max();

    private static IEnumerable<FilterChainConfig> HttpChains(ListenerConfig listener) =>
        listener.FilterChains.Append(listener.DefaultFilterChain).OfType<FilterChainConfig>().Where(c => c.Kind == NetworkFilterKind.HttpConnectionManager);

    /// <summary>The admin interface's server (HTTP/1.1, bound once at start).</summary>
    public static ListenerServer ForAdmin(IPAddress address, int port, IServiceProvider services, IConnectionListenerFactory transport, ILoggerFactory loggerFactory)
    {
        var slot = new ListenerSlot("admin", isAdmin: true);
        var options = NewOptions(services, maxRequestHeadersKb: 60);
        options.Listen(address, port, listen =>
        {
            slot.ListenOptions = listen;
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => connection =>
            {
                connection.Items[ListenerSlot.ItemKey] = new DownstreamConnection(slot);
                return CountConnectionAsync(slot, connection, next);
            });
        });
        return new ListenerServer(slot, $"admin|{address}|{port}", options, transport, loggerFactory);
    }

    /// <summary>
    /// The listener fields the bound socket depends on. Routes, filters and everything else of the HCM
    /// apply through the snapshot without a rebind.
    /// </summary>
    public static string BindingOf(ListenerConfig listener)
    {
        if (listener.IsNetwork)
        {
            // Chains, certificates and filters are read from the snapshot per connection; only what
            // Kestrel's pipeline was built with needs a new socket.
            var http = HttpChains(listener).FirstOrDefault();
            return string.Join('|', listener.Address.Address, listener.Address.Port, "network", http?.Http?.CodecType, MaxHeadersKb(listener),
                string.Join(',', HttpChains(listener).Select(c => c.Http!.Protocol.MaxHeadersCount)), http?.Http?.Protocol, http?.Tls is not null);
        }

        return string.Join('|',
            listener.Address.Address,
            listener.Address.Port,
            listener.Http!.CodecType,
            listener.Http.MaxRequestHeadersKb,
            listener.Http.Protocol.ToString(),
            listener.Tls?.CertificateChainPem,
            listener.Tls?.PrivateKeyPem,
            listener.Tls is null ? null : string.Join(',', listener.Tls.AlpnProtocols),
            listener.Tls?.RequireClientCertificate,
            listener.Tls?.Validation is { } validation
                ? string.Join(',', validation.TrustedCaPem, validation.AcceptUntrusted, string.Join(';', validation.SubjectAltNames))
                : null);
    }

    private static KestrelServerOptions NewOptions(IServiceProvider services, int maxRequestHeadersKb)
    {
        var options = new KestrelServerOptions
        {
            ApplicationServices = services,
            AddServerHeader = false,
            AllowSynchronousIO = false,
        };
        options.Limits.MaxRequestBodySize = null;
        // The HTTP/1 budget is Envoy's (URL plus header names and values), enforced by Http1RequestGuard
        // before Kestrel parses; Kestrel's own line and total limits only need to let that through.
        // For HTTP/2 the total is the budget.
        options.Limits.MaxRequestHeadersTotalSize = maxRequestHeadersKb * 1024 + 1024;
        options.Limits.MaxRequestLineSize = maxRequestHeadersKb * 1024 + 1024;
        // Envoy limits an HTTP/2 header block as a whole, not one field (Kestrel's default is 16 KiB a field).
        options.Limits.Http2.MaxRequestHeaderFieldSize = maxRequestHeadersKb * 1024 + 1024;
        ApplyHttp2Settings(options, DownstreamHttp2Config.Default);
        return options;
    }

    /// <summary>
    /// "No timeout" for Kestrel's connection timers. Not <see cref="Timeout.InfiniteTimeSpan"/>: Kestrel stores that
    /// as <see cref="TimeSpan.MaxValue"/>, and its TimeoutControl adds it to the last heartbeat's timestamp, which
    /// overflows to a deadline in the past: the next heartbeat (within 1 s) fires it. For the request-headers timer
    /// that answered 408 to a request whose head was being parsed at that heartbeat (one POST in 100,000-200,000 under
    /// load), and idle_timeout: 0s closed every idle keep-alive connection within a second. Ten years is never (a
    /// configured idle_timeout is at most EnvoyDuration.LongestTimer, 49.7 days, so it cannot overflow).
    /// </summary>
    internal static readonly TimeSpan KestrelNoTimeout = TimeSpan.FromDays(3650);

    /// <summary>
    /// Envoy's connection settings instead of Kestrel's defaults: no minimum data rates (Envoy has
    /// none), the idle timeout (common_http_protocol_options.idle_timeout, 1 hour by default), no header
    /// timeout of Kestrel's own (request_headers_timeout is the guard's, answered as Envoy does).
    /// </summary>
    private static void ApplyConnectionSettings(KestrelServerOptions options, DownstreamProtocolConfig protocol)
    {
        var limits = options.Limits;
        limits.MinRequestBodyDataRate = null;
        limits.MinResponseDataRate = null;
        limits.KeepAliveTimeout = protocol.IdleTimeout == Timeout.InfiniteTimeSpan ? KestrelNoTimeout : protocol.IdleTimeout;
        limits.RequestHeadersTimeout = KestrelNoTimeout;
        limits.MaxRequestHeaderCount = Math.Max(protocol.MaxHeadersCount, 1);
        limits.Http2.KeepAlivePingTimeout = Timeout.InfiniteTimeSpan;
        ApplyHttp2Settings(options, protocol.Http2);
    }

    /// <summary>
    /// http2_protocol_options onto Kestrel's HTTP/2 limits, Envoy's defaults included (2^31-1 concurrent
    /// streams and 256 MiB windows where Kestrel has 100, 1 MiB and 768 KiB).
    /// </summary>
    private static void ApplyHttp2Settings(KestrelServerOptions options, DownstreamHttp2Config http2)
    {
        var limits = options.Limits.Http2;
        limits.MaxStreamsPerConnection = http2.MaxConcurrentStreams;
        limits.HeaderTableSize = http2.HpackTableSize;
        limits.InitialConnectionWindowSize = http2.InitialConnectionWindowSize;
        limits.InitialStreamWindowSize = http2.InitialStreamWindowSize;
        limits.KeepAlivePingDelay = http2.KeepaliveInterval ?? TimeSpan.MaxValue;
        limits.KeepAlivePingTimeout = http2.KeepaliveTimeout ?? (http2.KeepaliveInterval is null ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(20));
    }

    /// <summary>max_connection_duration: the connection is asked to close gracefully (HTTP/2 GOAWAY, HTTP/1 after the current response).</summary>
    private static void CloseAfter(ConnectionContext connection, TimeSpan duration)
    {
        var lifetime = connection.Features.Get<IConnectionLifetimeNotificationFeature>();
        if (lifetime is null)
        {
            return;
        }

        var timer = new Timer(static state => ((IConnectionLifetimeNotificationFeature)state!).RequestClose(), lifetime, duration, Timeout.InfiniteTimeSpan);
        connection.ConnectionClosed.Register(static state => ((Timer)state!).Dispose(), timer);
    }

    private static bool SpeaksH2(ConnectionContext connection) =>
        connection.Features.Get<Microsoft.AspNetCore.Server.Kestrel.Core.Features.ITlsApplicationProtocolFeature>()?.ApplicationProtocol.Span.SequenceEqual("h2"u8) == true
        || H2cPriorKnowledge.ChoseHttp2(connection);

    /// <summary>Envoy's HTTP/2 flood limits: the input's frames read (inbound floods), the output's counted (outbound queue).</summary>
    private static void GuardHttp2(ConnectionContext connection, DownstreamConnection downstream, DownstreamHttp2Config http2)
    {
        var transport = connection.Transport;
        var output = new Http2OutboundGuard(transport.Output, connection, http2.MaxOutboundFrames, http2.MaxOutboundControlFrames);
        connection.Transport = new GuardedPipe(new Http2FloodGuard(transport.Input, connection, http2, output, downstream), output);
    }

    /// <summary>Envoy's HTTP/1 codec rules on the connection's input.</summary>
    private static void GuardHttp1(ConnectionContext connection, DownstreamConnection downstream, Http1Limits limits)
    {
        var transport = connection.Transport;
        connection.Transport = new GuardedPipe(new Http1RequestGuard(transport.Input, downstream, limits), transport.Output);
    }

    /// <summary>The connection's transport with its input (and for HTTP/2 its output) behind the codec guards.</summary>
    private sealed class GuardedPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>downstream_cx_total / downstream_cx_active of the listener's connection manager, per connection.</summary>
    private static async Task CountConnectionAsync(ListenerSlot slot, ConnectionContext connection, ConnectionDelegate next)
    {
        var stats = slot.Stats;
        if (stats is null)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref stats.DownstreamCxTotal);
        Interlocked.Increment(ref stats.DownstreamCxActive);
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref stats.DownstreamCxActive);
        }
    }

    /// <summary>downstream_cx_http1/http2/ssl_total and _active of the connection manager the connection was given to, once its codec is known.</summary>
    private static async Task CountCodecAsync(ConnectionContext connection, bool http2, ConnectionDelegate next)
    {
        var stats = connection.Items.TryGetValue(ListenerSlot.ItemKey, out var value) && value is DownstreamConnection downstream ? downstream.Stats : null;
        if (stats is null)
        {
            await next(connection).ConfigureAwait(false);
            return;
        }

        var tls = connection.Features.Get<ITlsConnectionFeature>() is not null;
        Interlocked.Increment(ref http2 ? ref stats.DownstreamCxHttp2Total : ref stats.DownstreamCxHttp1Total);
        Interlocked.Increment(ref http2 ? ref stats.DownstreamCxHttp2Active : ref stats.DownstreamCxHttp1Active);
        if (tls)
        {
            Interlocked.Increment(ref stats.DownstreamCxSslTotal);
            Interlocked.Increment(ref stats.DownstreamCxSslActive);
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref http2 ? ref stats.DownstreamCxHttp2Active : ref stats.DownstreamCxHttp1Active);
            if (tls)
            {
                Interlocked.Decrement(ref stats.DownstreamCxSslActive);
            }
        }
    }

    /// <summary>Stops accepting (the port is released), lets in-flight requests finish until <paramref name="cancellationToken"/>, then closes.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public void Dispose() => _server.Dispose();
}
