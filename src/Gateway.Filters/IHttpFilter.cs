namespace Gateway.Filters;

/// <summary>
/// One HTTP filter of a listener's chain (Envoy's decoder filter), run in order before the router
/// forwards the request. A filter instance is built once per config load and shared by all requests.
/// </summary>
public interface IHttpFilter
{
    /// <summary>
    /// Handles the request headers. Returns true to continue the chain; false when the filter has
    /// answered the request itself (the router then does not forward it).
    /// </summary>
    ValueTask<bool> OnRequestAsync(HttpFilterContext context);
}
