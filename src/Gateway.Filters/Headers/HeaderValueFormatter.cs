namespace Gateway.Filters.Headers;

/// <summary>Produces a header value per request from a compiled substitution format (Envoy's header formatters).</summary>
public abstract class HeaderValueFormatter
{
    /// <summary>The value for this request; empty when every command in it is absent (Envoy omits empty values).</summary>
    public abstract string Format(HttpFilterContext context);
}
