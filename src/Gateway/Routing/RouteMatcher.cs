using Gateway.Clusters.Matching;
using System.Text.RegularExpressions;
using Gateway.Clusters.Model;
using Gateway.Clusters.Runtime;
using Gateway.Filters.Matching;
using Microsoft.AspNetCore.Http;

namespace Gateway.Routing;

/// <summary>
/// Envoy's RouteMatch, compiled. Works on the raw request target as the client sent it (Envoy does
/// not normalise paths by default): <c>prefix</c> is a raw string prefix of <c>:path</c>, <c>path</c>
/// and <c>safe_regex</c> see the path without its query.
/// </summary>
internal sealed class RouteMatcher
{
    private readonly PathMatchKind _kind;
    private readonly string _value;
    private readonly StringComparison _comparison;
    private readonly Regex? _regex;
    private readonly HeaderMatcher[] _headers;
    private readonly QueryParameterMatcher[] _query;
    private readonly RuntimeFractionalPercentConfig? _runtimeFraction;
    private readonly IRuntime? _runtime;
    private readonly bool _grpc;

    public RouteMatcher(RouteMatchConfig config, IRuntime? runtime = null)
    {
        _runtimeFraction = config.RuntimeFraction;
        _grpc = config.Grpc;
        _runtime = runtime;
        _kind = config.Kind;
        _value = config.Value;
        _comparison = config.CaseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        if (config.Kind == PathMatchKind.SafeRegex)
        {
            _regex = RegexCache.WholeMatch(config.Value);
        }

        _headers = config.Headers.Select(h => new HeaderMatcher(h)).ToArray();
        _query = config.QueryParameters.Select(q => new QueryParameterMatcher(q)).ToArray();
    }

    public PathMatchKind Kind => _kind;

    public string Value => _value;

    public bool CaseSensitive => _comparison == StringComparison.Ordinal;

    /// <summary>True when only the path decides (no header or query conditions).</summary>
    public bool PathOnly => _headers.Length == 0 && _query.Length == 0 && _runtimeFraction is null && !_grpc;

    /// <param name="rawTarget">The request target as sent, query included.</param>
    /// <param name="pathLength">Length of the path part of <paramref name="rawTarget"/> (before '?').</param>
    public bool Matches(HttpRequest request, string rawTarget, int pathLength)
    {
        if (!MatchesPath(rawTarget, pathLength))
        {
            return false;
        }

        if (_grpc && !IsGrpc(request))
        {
            return false;
        }

        foreach (var header in _headers)
        {
            if (!header.Matches(request, rawTarget))
            {
                return false;
            }
        }

        foreach (var query in _query)
        {
            if (!query.Matches(request))
            {
                return false;
            }
        }

        return _runtimeFraction is null || FractionMatches(_runtimeFraction);
    }

    /// <summary>
    /// Envoy's Grpc::Common::hasGrpcContentType: content-type is exactly <c>application/grpc</c> or starts with
    /// <c>application/grpc+</c> (case-sensitive; <c>application/grpc-web</c> and parameters do not count).
    /// </summary>
    internal static bool IsGrpc(HttpRequest request)
    {
        const string Grpc = "application/grpc";
        var contentType = request.Headers.ContentType;
        if (contentType.Count == 0)
        {
            return false;
        }

        var value = contentType[0] ?? "";
        return value.StartsWith(Grpc, StringComparison.Ordinal) && (value.Length == Grpc.Length || value[Grpc.Length] == '+');
    }

    /// <summary>runtime_fraction: Envoy draws a random value per request (its stream id) against the runtime's fraction.</summary>
    private bool FractionMatches(RuntimeFractionalPercentConfig fraction) => _runtime.IsEnabled(fraction);

    public bool MatchesPath(string rawTarget, int pathLength)
    {
        var path = rawTarget.AsSpan(0, pathLength);
        switch (_kind)
        {
            case PathMatchKind.Prefix:
                return rawTarget.StartsWith(_value, _comparison);
            case PathMatchKind.Path:
                return path.Equals(_value, _comparison);
            case PathMatchKind.PathSeparatedPrefix:
                return path.StartsWith(_value, _comparison) && (path.Length == _value.Length || path[_value.Length] == '/');
            default:
                return _regex!.IsMatch(path);
        }
    }
}
