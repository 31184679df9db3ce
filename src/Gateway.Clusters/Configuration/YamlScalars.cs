using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>
/// Reads YAML scalars as Envoy does: yaml-cpp decides what a plain (unquoted) scalar is before the
/// protobuf JSON parser sees it, so a plain <c>yes</c> is a boolean and a plain <c>0x1F90</c> a number,
/// while a quoted scalar is always a string that protobuf then converts.
/// </summary>
internal static class YamlScalars
{
    private static readonly string[] TrueNames = ["true", "yes", "on", "y"];
    private static readonly string[] FalseNames = ["false", "no", "off", "n"];

    public static bool IsPlain(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;

    public static bool TryParseBool(YamlScalarNode scalar, out bool value)
    {
        var text = scalar.Value ?? "";
        if (IsPlain(scalar))
        {
            // yaml-cpp's convert<bool>: these names, in lower case, UPPER case or Capitalised.
            if (IsFlexibleCase(text))
            {
                var lower = text.ToLowerInvariant();
                if (Array.IndexOf(TrueNames, lower) >= 0)
                {
                    value = true;
                    return true;
                }

                if (Array.IndexOf(FalseNames, lower) >= 0)
                {
                    value = false;
                    return true;
                }
            }

            value = false;
            return false;
        }

        // A quoted "true" reaches protobuf as a string, which its JSON parser reads for a bool field.
        return bool.TryParse(text, out value);
    }

    /// <summary>
    /// A plain scalar is read as yaml-cpp reads an integer (a C++ stream with the base taken from the
    /// prefix: <c>0x</c> hexadecimal, a leading <c>0</c> octal); a quoted one as protobuf reads a JSON
    /// string holding an integer (decimal).
    /// </summary>
    public static bool TryParseInteger(YamlScalarNode scalar, out long value)
    {
        var text = scalar.Value ?? "";
        if (!IsPlain(scalar))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        value = 0;
        var span = text.AsSpan();
        var negative = false;
        if (span.Length > 0 && span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.Length == 0)
        {
            return false;
        }

        ulong magnitude;
        if (span.Length > 2 && span[0] == '0' && span[1] is 'x' or 'X')
        {
            if (!ulong.TryParse(span[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude))
            {
                return false;
            }
        }
        else if (span.Length > 1 && span[0] == '0')
        {
            magnitude = 0;
            foreach (var c in span[1..])
            {
                if (c is < '0' or > '7' || magnitude > (ulong.MaxValue >> 3))
                {
                    return false;
                }

                magnitude = (magnitude << 3) | (uint)(c - '0');
            }
        }
        else if (!ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude))
        {
            return false;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        return true;
    }

    private static bool IsFlexibleCase(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        var allLower = true;
        var allUpper = true;
        foreach (var c in text)
        {
            allLower &= !char.IsUpper(c);
            allUpper &= !char.IsLower(c);
        }

        if (allLower || allUpper)
        {
            return true;
        }

        // Capitalised: first upper, the rest lower.
        return char.IsUpper(text[0]) && text.AsSpan(1).IndexOfAnyInRange('A', 'Z') < 0;
    }
}
