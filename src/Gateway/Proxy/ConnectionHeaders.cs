using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gateway.Proxy;

/// <summary>
/// Envoy's treatment of the connection-level request headers before the filters run: headers the
/// Connection header nominates are removed with it (codec's sanitizeConnectionHeader), TE is cut down
/// to <c>trailers</c>, an h2c upgrade is dropped (Envoy's codec does not do h2c), and an upgrade
/// request is recognised (Connection: upgrade plus Upgrade). Three known-header reads when none applies.
/// </summary>
internal static class ConnectionHeaders
{
    /// <summary>Returns the upgrade type (the Upgrade header) for an upgrade request, else null.</summary>
    public static string? Sanitize(IHeaderDictionary headers, RequestState state)
    {
        string? upgrade = null;
        var connection = headers.Connection;
        if (connection.Count > 0)
        {
            var upgradeToken = false;
            foreach (var value in connection)
            {
                foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (part.Equals("upgrade", StringComparison.OrdinalIgnoreCase))
                    {
                        upgradeToken = true;
                    }
                    else if (!part.Equals("keep-alive", StringComparison.OrdinalIgnoreCase) && !part.Equals("close", StringComparison.OrdinalIgnoreCase) &&
                             !part.Equals("te", StringComparison.OrdinalIgnoreCase))
                    {
                        headers.Remove(part);
                    }
                }
            }

            if (upgradeToken && headers.Upgrade.Count > 0)
            {
                upgrade = headers.Upgrade.ToString();
                if (upgrade.Equals("h2c", StringComparison.OrdinalIgnoreCase))
                {
                    headers.Remove("Upgrade");
                    headers.Remove("HTTP2-Settings");
                    upgrade = null;
                }
            }
        }

        var te = headers.TE;
        if (te.Count > 0)
        {
            if (HasToken(te, "trailers"))
            {
                headers.TE = "trailers";
                state.ForwardTeTrailers = true;
            }
            else
            {
                headers.Remove("TE");
            }
        }

        return upgrade;
    }

    private static bool HasToken(StringValues values, string token)
    {
        foreach (var value in values)
        {
            foreach (var part in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var semicolon = part.IndexOf(';');
                if ((semicolon < 0 ? part : part[..semicolon].Trim()).Equals(token, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
