using System.Globalization;
using Serilog.Events;
using Serilog.Parsing;

namespace Gateway.Logging;

/// <summary>
/// Renders a log event's message as Envoy prints its own: string values as they are (no quotes),
/// other values in their invariant text form. Serilog's <c>RenderMessage</c> would quote strings.
/// </summary>
internal static class MessageRenderer
{
    public static void Render(LogEvent logEvent, TextWriter output)
    {
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            switch (token)
            {
                case TextToken text:
                    output.Write(text.Text);
                    break;
                case PropertyToken property when logEvent.Properties.TryGetValue(property.PropertyName, out var value):
                    if (value is ScalarValue { Value: string literal })
                    {
                        output.Write(literal);
                    }
                    else if (value is ScalarValue { Value: null })
                    {
                        output.Write("null");
                    }
                    else
                    {
                        value.Render(output, property.Format, CultureInfo.InvariantCulture);
                    }

                    break;
                case PropertyToken missing:
                    output.Write(missing.ToString());
                    break;
            }
        }
    }

    public static string Render(LogEvent logEvent)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Render(logEvent, writer);
        return writer.ToString();
    }
}
