using Gateway.Clusters.Model;

namespace Gateway.Proxy;

/// <summary>
/// Envoy's ConnectionManagerUtility::maybeNormalizePath for one connection manager, built at config
/// load and only when one of its rules is on: a path with a fragment is refused; then
/// path_with_escaped_slashes_action, normalize_path and merge_slashes rewrite the path (never the query)
/// in that order. The result is what routing, the filters and the upstream see.
/// </summary>
internal sealed class PathNormalizer
{
    private readonly PathNormalizationConfig _config;

    private PathNormalizer(PathNormalizationConfig config)
    {
        _config = config;
    }

    public static PathNormalizer? Create(PathNormalizationConfig config) => config.IsNone ? null : new PathNormalizer(config);

    /// <summary>Rewrites <paramref name="target"/> (an origin-form path and query) in place.</summary>
    public PathNormalizeAction Normalize(ref string target)
    {
        if (target.Contains('#'))
        {
            // envoy.reloadable_features.http_reject_path_with_fragment, on by default.
            return PathNormalizeAction.Reject;
        }

        var queryStart = target.IndexOf('?');
        var path = queryStart < 0 ? target : target[..queryStart];
        var action = PathNormalizeAction.Continue;
        if (_config.EscapedSlashes is not EscapedSlashesAction.KeepUnchanged && UnescapeSlashes(path) is { } unescaped)
        {
            switch (_config.EscapedSlashes)
            {
                case EscapedSlashesAction.RejectRequest:
                    return PathNormalizeAction.Reject;
                case EscapedSlashesAction.UnescapeAndRedirect:
                    action = PathNormalizeAction.Redirect;
                    break;
            }

            path = unescaped;
        }

        if (_config.NormalizePath && !PathCanonicalizer.TryCanonicalize(path, out path))
        {
            return PathNormalizeAction.Reject;
        }

        // After normalize_path, as Envoy does, so an escape decoded there cannot leave a double slash.
        if (_config.MergeSlashes)
        {
            path = MergeSlashes(path);
        }

        target = queryStart < 0 ? path : string.Concat(path, target.AsSpan(queryStart));
        return action;
    }

    /// <summary>%2F and %2f become '/', %5C and %5c '\'; null when the path has none.</summary>
    internal static string? UnescapeSlashes(string path)
    {
        var first = IndexOfEscapedSlash(path, 0);
        if (first < 0)
        {
            return null;
        }

        var builder = new System.Text.StringBuilder(path.Length);
        var copied = 0;
        for (var at = first; at >= 0; at = IndexOfEscapedSlash(path, copied))
        {
            builder.Append(path, copied, at - copied);
            builder.Append(path[at + 1] == '2' ? '/' : '\\');
            copied = at + 3;
        }

        builder.Append(path, copied, path.Length - copied);
        return builder.ToString();
    }

    private static int IndexOfEscapedSlash(string path, int from)
    {
        for (var i = path.IndexOf('%', from); i >= 0 && i + 2 < path.Length; i = path.IndexOf('%', i + 1))
        {
            var (high, low) = (path[i + 1], path[i + 2]);
            if ((high == '2' && low is 'f' or 'F') || (high == '5' && low is 'c' or 'C'))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Runs of slashes become one; a leading and a trailing slash are kept (Envoy's mergeSlashes).</summary>
    internal static string MergeSlashes(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var prefix = path.StartsWith('/') ? "/" : "";
        var suffix = path.EndsWith('/') ? "/" : "";
        return prefix + string.Join('/', segments) + suffix;
    }
}
