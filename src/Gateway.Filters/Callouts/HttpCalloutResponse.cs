using System.Net.Http.Headers;

namespace Gateway.Filters.Callouts;

/// <summary>The whole answer of an HTTP callout (status, headers, buffered body), or why there is none.</summary>
public sealed record HttpCalloutResponse(CalloutOutcome Outcome, int Status, HttpResponseHeaders? Headers, HttpContentHeaders? ContentHeaders, byte[] Body)
{
    public static HttpCalloutResponse Of(CalloutOutcome outcome) => new(outcome, 0, null, null, []);

    public bool IsResponse => Outcome == CalloutOutcome.Response;

    /// <summary>Every response header (content headers included) as (name, values) pairs.</summary>
    public IEnumerable<KeyValuePair<string, IEnumerable<string>>> AllHeaders =>
        (Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()).Concat(ContentHeaders ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>());
}
