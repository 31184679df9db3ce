using Gateway.Clusters.Matching;
using System.Globalization;
using Gateway.Clusters.Model;
using Microsoft.AspNetCore.Http;

namespace Gateway.Filters.Matching;

/// <summary>A compiled envoy.config.route.v3.HeaderMatcher (routes, the health_check filter), pseudo-headers (<c>:method</c>, <c>:authority</c>, <c>:path</c>, <c>:scheme</c>) included.</summary>
public sealed class HeaderMatcher
{
    private readonly HeaderMatcherConfig _config;
    private readonly StringMatcher? _matcher;

    public HeaderMatcher(HeaderMatcherConfig config)
    {
        _config = config;
        _matcher = config.Matcher is null ? null : new StringMatcher(config.Matcher);
    }

    public bool Matches(HttpRequest request, string rawTarget) => MatchesValue(ValueOf(request, rawTarget));

    /// <summary>The header's name, as configured.</summary>
    public string Name => _config.Name;

    /// <summary>Matches the header's value (null when absent), for headers held elsewhere than an HttpRequest (upstream responses).</summary>
    public bool MatchesValue(string? value)
    {
        if (value is null && _config.TreatMissingAsEmpty)
        {
            value = "";
        }

        bool result;
        if (_config.Present is { } present)
        {
            result = (value is not null) == present;
            // Envoy: invert_match with present_match inverts the presence test as well.
            return _config.InvertMatch ? !result : result;
        }

        if (value is null)
        {
            // A missing header never matches, even inverted (Envoy's rule).
            return false;
        }

        if (_matcher is not null)
        {
            result = _matcher.Matches(value);
        }
        else if (_config.Range is { } range)
        {
            result = long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) &&
                     number >= range.Start && number < range.End;
        }
        else
        {
            result = true;
        }

        return _config.InvertMatch ? !result : result;
    }

    private string? ValueOf(HttpRequest request, string rawTarget)
    {
        switch (_config.Name)
        {
            case ":method": return request.Method;
            case ":authority": return request.Host.Value;
            case ":path": return rawTarget;
            case ":scheme": return request.Scheme;
        }

        var values = request.Headers[_config.Name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => string.Join(',', values.ToArray()),
        };
    }
}
