using Gateway.Clusters.Configuration;
using Gateway.Clusters.Model;

namespace Gateway.Filters.Buffer;

/// <summary>envoy.filters.http.buffer: the whole request body is read before the request goes upstream.</summary>
public sealed class BufferFilterFactory : IHttpFilterFactory
{
    public const string TypeName = "envoy.extensions.filters.http.buffer.v3.Buffer";
    public const string PerRouteTypeName = "envoy.extensions.filters.http.buffer.v3.BufferPerRoute";

    public bool CanParse(string typeName) => typeName == TypeName;

    public bool CanParsePerRoute(string typeName) => typeName == PerRouteTypeName;

    public object? Parse(string filterName, TypedMessage config) => ReadBuffer(config.Reader, filterName);

    internal static BufferSettings? ReadBuffer(MessageReader reader, string filterName)
    {
        if (!reader.Has("max_request_bytes"))
        {
            reader.Accept("max_request_bytes");
            reader.Context.Error(reader.Join("max_request_bytes"), reader.Mark,
                $"buffer filter '{filterName}': max_request_bytes is required (Envoy: \"MaxRequestBytes: value is required\"); give the most request body bytes to buffer, e.g. max_request_bytes: 1048576");
            return null;
        }

        var max = reader.Integer("max_request_bytes", 1, uint.MaxValue);
        if (reader.Has("max_request_time"))
        {
            reader.Unsupported("max_request_time", "it is Envoy v2's; remove it (v3 has no request timeout in the buffer filter)");
        }

        return max is { } value ? new BufferSettings(value) : null;
    }

    public object? ParsePerRoute(string filterName, TypedMessage config)
    {
        var reader = config.Reader;
        var hasDisabled = reader.Has("disabled");
        var disabled = reader.Bool("disabled");
        var buffer = reader.Message("buffer", TypeName);
        if (hasDisabled && buffer is not null)
        {
            reader.Context.Error(reader.Path, reader.Mark, $"BufferPerRoute for '{filterName}': set either disabled or buffer, not both (they are a oneof)");
        }

        if (buffer is not null)
        {
            var settings = ReadBuffer(buffer, filterName);
            buffer.Finish();
            return settings;
        }

        if (!hasDisabled)
        {
            reader.Context.Error(reader.Path, reader.Mark, $"BufferPerRoute for '{filterName}': one of disabled or buffer is required (Envoy: \"value is required\")");
            return null;
        }

        if (!disabled)
        {
            reader.Context.Error(reader.Join("disabled"), reader.MarkOf("disabled"), $"BufferPerRoute for '{filterName}': disabled must be true (Envoy: \"value must equal true\")");
            return null;
        }

        return BufferSettings.DisabledRoute;
    }

    public IHttpFilter? Create(HttpFilterConfig config, IServiceProvider services) =>
        config.Settings is BufferSettings settings
            ? new BufferFilter(config.Name, settings)
            : throw new InvalidOperationException($"http filter '{config.Name}' was not parsed by {nameof(BufferFilterFactory)}.");
}
