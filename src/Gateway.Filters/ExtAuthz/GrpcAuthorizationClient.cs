using System.Text;
using Gateway.Clusters.Table;
using Gateway.Filters.Callouts;
using Gateway.Filters.Grpc.Envoy.Auth;
using Gateway.Filters.Grpc.Envoy.Core;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Metadata = Grpc.Core.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Filters.ExtAuthz;

/// <summary>
/// ExtAuthz's grpc_service: envoy.service.auth.v3.Authorization/Check on an envoy_grpc cluster. A gRPC
/// status OK allows (ok_response may change request headers), any other status denies (denied_response
/// gives status, headers and body), a failed call is an error.
/// </summary>
internal sealed class GrpcAuthorizationClient : IAuthorizationClient
{
    private readonly ExtAuthzSettings _settings;
    private readonly HeaderNameMatcher? _allowed;
    private readonly HeaderNameMatcher _disallowed;
    private readonly Metadata? _metadata;

    public GrpcAuthorizationClient(ExtAuthzSettings settings)
    {
        _settings = settings;
        // gRPC sends every header unless allowed_headers narrows it.
        _allowed = settings.AllowedHeaders is null ? null : new HeaderNameMatcher(settings.AllowedHeaders);
        _disallowed = new HeaderNameMatcher(settings.DisallowedHeaders);
        if (settings.InitialMetadata.Count > 0)
        {
            _metadata = [];
            foreach (var (key, value) in settings.InitialMetadata)
            {
                _metadata.Add(key, value);
            }
        }
    }

    public async Task<AuthorizationResponse> CheckAsync(HttpFilterContext context, ExtAuthzPerRouteSettings? perRoute, ReadOnlyMemory<byte> body, CancellationToken aborted)
    {
        ClusterEntry? entry;
        if (_settings.GoogleGrpcTarget is { } target)
        {
            entry = GoogleGrpcTargets.For(target);
        }
        else if (!context.Clusters.TryGet(_settings.ClusterName, out entry))
        {
            return AuthorizationResponse.Error;
        }

        var check = BuildRequest(context, perRoute, body);
        var (outcome, response, _) = await GrpcCallout.CallAsync(entry,
            (invoker, options) => new Authorization.AuthorizationClient(invoker).CheckAsync(check, options),
            _settings.Timeout, _metadata, aborted).ConfigureAwait(false);
        return outcome == CalloutOutcome.Response && response is not null ? ToResponse(response) : AuthorizationResponse.Error;
    }

    private CheckRequest BuildRequest(HttpFilterContext context, ExtAuthzPerRouteSettings? perRoute, ReadOnlyMemory<byte> body)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var connection = http.Connection;
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var httpRequest = new AttributeContext.Types.HttpRequest
        {
            Id = context.RequestId ?? request.Headers["x-request-id"].ToString(),
            Method = request.Method,
            Path = rawTarget,
            Host = request.Host.Value ?? "",
            Scheme = request.Scheme,
            Size = request.ContentLength ?? (body.Length > 0 ? body.Length : -1),
            Protocol = request.Protocol switch
            {
                "HTTP/2" => "HTTP/2",
                "HTTP/1.0" => "HTTP/1.0",
                "HTTP/3" => "HTTP/3",
                _ => "HTTP/1.1",
            },
        };
        if (!body.IsEmpty)
        {
            if (_settings.WithRequestBody?.PackAsBytes == true || perRoute?.WithRequestBody?.PackAsBytes == true)
            {
                httpRequest.RawBody = ByteString.CopyFrom(body.Span);
            }
            else
            {
                httpRequest.Body = Encoding.UTF8.GetString(body.Span);
            }
        }

        // Envoy's header map carries the pseudo-headers too.
        AddHeader(httpRequest, ":authority", httpRequest.Host);
        AddHeader(httpRequest, ":method", request.Method);
        AddHeader(httpRequest, ":path", rawTarget);
        AddHeader(httpRequest, ":scheme", request.Scheme);
        foreach (var (name, values) in request.Headers)
        {
            var lower = name.ToLowerInvariant();
            if (lower == "host")
            {
                continue;
            }

            if (_settings.EncodeRawHeaders)
            {
                foreach (var value in values)
                {
                    AddHeader(httpRequest, lower, value ?? "");
                }
            }
            else
            {
                AddHeader(httpRequest, lower, values.Count == 1 ? values[0] ?? "" : string.Join(",", (IEnumerable<string?>)values));
            }
        }

        var attributes = new AttributeContext
        {
            Source = new AttributeContext.Types.Peer { Address = AddressOf(connection.RemoteIpAddress, connection.RemotePort) },
            Destination = new AttributeContext.Types.Peer { Address = AddressOf(connection.LocalIpAddress, connection.LocalPort) },
            Request = new AttributeContext.Types.Request { Time = Timestamp.FromDateTime(DateTime.UtcNow), Http = httpRequest },
        };
        if (perRoute is not null)
        {
            foreach (var (key, value) in perRoute.ContextExtensions)
            {
                attributes.ContextExtensions[key] = value;
            }
        }

        if (_settings.IncludeTlsSession && http.Features.Get<Microsoft.AspNetCore.Connections.Features.ITlsHandshakeFeature>() is { } tls)
        {
            attributes.TlsSession = new AttributeContext.Types.TLSSession { Sni = tls.HostName ?? "" };
        }

        if (_settings.MetadataContextNamespaces.Count > 0 && context.DynamicMetadataOrNull is { } dynamic)
        {
            var metadata = new Grpc.Envoy.Core.Metadata();
            foreach (var ns in _settings.MetadataContextNamespaces)
            {
                if (dynamic.Get(ns) is { } values)
                {
                    metadata.FilterMetadata[ns] = StructValues.ToStruct(values);
                }
            }

            attributes.MetadataContext = metadata;
        }

        return new CheckRequest { Attributes = attributes };

        void AddHeader(AttributeContext.Types.HttpRequest target, string name, string value)
        {
            if ((_allowed is not null && !name.StartsWith(':') && !_allowed.Matches(name)) || _disallowed.Matches(name))
            {
                return;
            }

            if (_settings.EncodeRawHeaders)
            {
                (target.HeaderMap ??= new HeaderMap()).Headers.Add(new HeaderValue { Key = name, RawValue = ByteString.CopyFromUtf8(value) });
            }
            else
            {
                target.Headers[name] = value;
            }
        }
    }

    private static Address AddressOf(System.Net.IPAddress? ip, int port) => new()
    {
        SocketAddress = new Gateway.Filters.Grpc.Envoy.Core.SocketAddress
        {
            Address = ip is null ? "" : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString(),
            PortValue = (uint)Math.Max(0, port),
        },
    };

    private static AuthorizationResponse ToResponse(CheckResponse response)
    {
        var metadata = response.DynamicMetadata is { } md ? StructValues.ToDictionary(md) : null;
        if ((response.Status?.Code ?? 0) == 0)
        {
            var ok = new AuthorizationResponse { Verdict = AuthorizationVerdict.Ok, DynamicMetadata = metadata };
            if (response.OkResponse is { } okResponse)
            {
                if (okResponse.DynamicMetadata is { } deprecated)
                {
                    ok.DynamicMetadata = StructValues.ToDictionary(deprecated);
                }

                foreach (var option in okResponse.Headers)
                {
                    if (option.Header is not { } header)
                    {
                        continue;
                    }

                    var value = header.Value.Length == 0 && !header.RawValue.IsEmpty ? header.RawValue.ToStringUtf8() : header.Value;
                    var pair = new KeyValuePair<string, string>(header.Key.ToLowerInvariant(), value);
                    // "append" defaults to false in this message.
                    var append = option.Append ?? false;
                    (append ? ok.HeadersToAppend ??= [] : ok.HeadersToSet ??= []).Add(pair);
                }

                foreach (var name in okResponse.HeadersToRemove)
                {
                    (ok.HeadersToRemove ??= []).Add(name.ToLowerInvariant());
                }

                foreach (var option in okResponse.ResponseHeadersToAdd)
                {
                    if (option.Header is { } header)
                    {
                        (ok.ResponseHeaders ??= []).Add(new(header.Key.ToLowerInvariant(), header.Value));
                    }
                }
            }

            return ok;
        }

        var status = 403;
        var body = Array.Empty<byte>();
        List<KeyValuePair<string, string>> headers = [];
        if (response.DeniedResponse is { } denied)
        {
            if (denied.Status is { } s && (int)s.Code is >= 100 and <= 599)
            {
                status = (int)s.Code;
            }

            body = Encoding.UTF8.GetBytes(denied.Body);
            foreach (var option in denied.Headers)
            {
                if (option.Header is { } header)
                {
                    headers.Add(new(header.Key.ToLowerInvariant(), header.Value));
                }
            }
        }

        return new AuthorizationResponse { Verdict = AuthorizationVerdict.Denied, Status = status, Body = body, ResponseHeaders = headers, DynamicMetadata = metadata };
    }
}
