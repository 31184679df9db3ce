using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;
using Gateway.Filters;

namespace Gateway.Tests.Filters.Contract;

/// <summary>
/// A filter kind for contract tests, registered through GatewayOptions.AdditionalFilterFactories:
/// <c>"@type": type.googleapis.com/test.Probe</c> with tag, reply_status, reply_on_response,
/// buffer_request, stream_request, buffer_response, stream_response, metadata; per route
/// <c>test.ProbePerRoute</c> with tag.
/// </summary>
internal sealed class ProbeFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "test.Probe";
    public const string PerRouteTypeName = "test.ProbePerRoute";

    public bool CanParse(string typeName) => typeName == TypeName;

    public object? Parse(string filterName, TypedMessage config)
    {
        var r = config.Reader;
        return new ProbeFilterSettings(
            filterName,
            r.String("tag") ?? filterName,
            (int)(r.Integer("reply_status", 0, 999) ?? 0),
            (int)(r.Integer("reply_on_response", 0, 999) ?? 0),
            r.Bool("buffer_request"),
            r.Bool("stream_request"),
            r.Bool("buffer_response"),
            r.Bool("stream_response"),
            r.Bool("metadata"));
    }

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? ParsePerRoute(string filterName, TypedMessage config) =>
        new ProbePerRouteSettings(config.Reader.RequiredString("tag"));

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) => new ProbeFilter((ProbeFilterSettings)config.Settings!);
}
