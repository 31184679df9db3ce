namespace Gateway.Filters.Compressor;

/// <summary>
/// Which content-coding a response gets, decided once per request for all compressor filters of the
/// chain (Envoy keeps it in filter state "encoding_decision"), and which header stat it counts as.
/// </summary>
internal sealed record EncodingDecision(string Encoding, EncodingDecision.HeaderStat Stat)
{
    public const string FilterStateKey = "encoding_decision";

    /// <summary>The compressor filters registered for the request, in chain order (Envoy's "compressors").</summary>
    public const string RegistryKey = "compressors";

    public enum HeaderStat
    {
        NotValid,
        Identity,
        Wildcard,
        ValidCompressor,
    }

    /// <summary>
    /// Envoy's chooseEncoding: the accepted coding with the highest q-value among the compressors whose
    /// content types allow this response ("identity" and "*" included; ties go to choose_first, then to
    /// the first listed); "*" picks the compressor registered first.
    /// </summary>
    public static EncodingDecision Choose(string acceptEncoding, string? contentType, IReadOnlyList<CompressorFilter> registered)
    {
        var mediaType = MediaType(contentType);
        var allowed = new List<(string Encoding, int Order, bool ChooseFirst)>();
        foreach (var filter in registered)
        {
            if (mediaType.Length != 0 && !filter.Settings.Response.ContentTypes.Contains(mediaType))
            {
                continue;
            }

            var encoding = filter.Settings.Library.ContentEncoding;
            if (!allowed.Exists(a => a.Encoding == encoding))
            {
                allowed.Add((encoding, allowed.Count, filter.Settings.ChooseFirst));
            }
        }

        var pairs = new List<(string Coding, float Q)>();
        foreach (var rawToken in acceptEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = rawToken;
            var semicolon = token.IndexOf(';');
            var coding = (semicolon < 0 ? token : token[..semicolon]).Trim();
            var q = 1f;
            if (semicolon >= 0)
            {
                var parameters = token[(semicolon + 1)..];
                var equals = parameters.IndexOf('=');
                if (equals >= 0 && parameters[..equals].Trim().Equals("q", StringComparison.OrdinalIgnoreCase))
                {
                    if (!float.TryParse(parameters[(equals + 1)..].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out q))
                    {
                        continue;
                    }
                }
            }

            pairs.Add((coding, q));
            if (q == 0)
            {
                allowed.RemoveAll(a => a.Encoding == coding);
            }
        }

        if (pairs.Count == 0 || allowed.Count == 0)
        {
            return new EncodingDecision("identity", HeaderStat.NotValid);
        }

        var choice = (Coding: "identity", Q: 0f);
        foreach (var pair in pairs)
        {
            var index = allowed.FindIndex(a => a.Encoding == pair.Coding);
            if (index >= 0 || pair.Coding == "identity" || pair.Coding == "*")
            {
                if (pair.Q > choice.Q || (pair.Q == choice.Q && index >= 0 && allowed[index].ChooseFirst))
                {
                    choice = pair;
                }
            }
        }

        if (choice.Q == 0)
        {
            return new EncodingDecision("identity", HeaderStat.NotValid);
        }

        if (choice.Coding == "identity")
        {
            return new EncodingDecision("identity", HeaderStat.Identity);
        }

        if (choice.Coding == "*")
        {
            var first = allowed.MinBy(a => a.Order);
            return new EncodingDecision(first.Encoding, HeaderStat.Wildcard);
        }

        return new EncodingDecision(choice.Coding, HeaderStat.ValidCompressor);
    }

    /// <summary>The media type of a content-type value: before ';', trimmed.</summary>
    public static string MediaType(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return "";
        }

        var semicolon = contentType.IndexOf(';');
        return (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
    }
}
