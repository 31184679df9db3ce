using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.GrpcWeb;

/// <summary>envoy.filters.http.grpc_web: gRPC-Web clients talk to gRPC upstreams.</summary>
public sealed class GrpcWebFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.grpc_web.v3.GrpcWeb";

    public bool CanParse(string typeName) => typeName == TypeName;

    // GrpcWeb has no fields; the factory object doubles as its settings.
    public object? Parse(string filterName, TypedMessage config) => this;

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) => new GrpcWebFilter(config.Name);
}
