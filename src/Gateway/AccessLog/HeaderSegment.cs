using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.AccessLog;

/// <summary>
/// <c>%REQ(X?Y)%</c> / <c>%RESP(X?Y)%</c>: header X, else header Y, else absent. Pseudo-headers
/// <c>:method</c>, <c>:path</c> (the target as received), <c>:authority</c>, <c>:scheme</c> and
/// <c>:status</c> read the request line and status.
/// </summary>
public sealed class HeaderSegment : AccessLogSegment
{
    private readonly bool _response;
    private readonly string _main;
    private readonly string? _alternative;

    public HeaderSegment(bool response, string main, string? alternative)
    {
        _response = response;
        _main = main.ToLowerInvariant();
        _alternative = alternative?.ToLowerInvariant();
    }

    public override bool Append(StringBuilder text, in AccessLogEntry entry) =>
        AppendHeader(text, entry.Context, _main) || (_alternative is not null && AppendHeader(text, entry.Context, _alternative));

    private bool AppendHeader(StringBuilder text, HttpContext context, string name)
    {
        if (name.Length > 0 && name[0] == ':')
        {
            return AppendPseudo(text, context, name);
        }

        var values = _response ? context.Response.Headers[name] : context.Request.Headers[name];
        if (values.Count == 0)
        {
            return false;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(values[i]);
        }

        return true;
    }

    private bool AppendPseudo(StringBuilder text, HttpContext context, string name)
    {
        if (_response)
        {
            if (name == ":status")
            {
                text.Append(context.Response.StatusCode);
                return true;
            }

            return false;
        }

        var request = context.Request;
        switch (name)
        {
            case ":method":
                text.Append(request.Method);
                return true;
            case ":path":
                var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
                text.Append(string.IsNullOrEmpty(raw) ? request.Path.Value + request.QueryString.Value : raw);
                return true;
            case ":authority":
                if (!request.Host.HasValue)
                {
                    return false;
                }

                text.Append(request.Host.Value);
                return true;
            case ":scheme":
                text.Append(request.Scheme);
                return true;
            default:
                return false;
        }
    }
}
