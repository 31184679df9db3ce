using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Filters;

/// <summary>An upstream handler answering 200 with the request's method, path and headers, one per line (lower-case names).</summary>
public static class HeaderEcho
{
    public static async Task Handle(HttpContext context)
    {
        var text = new StringBuilder();
        text.Append("method: ").Append(context.Request.Method).Append('\n');
        text.Append("path: ").Append(context.Request.Path).Append(context.Request.QueryString).Append('\n');
        foreach (var (name, values) in context.Request.Headers)
        {
            text.Append(name.ToLowerInvariant()).Append(": ").Append(values.ToString()).Append('\n');
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        text.Append("body: ").Append(body).Append('\n');
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(text.ToString());
    }

    /// <summary>The value of header <paramref name="name"/> in an echo, or null.</summary>
    public static string? Header(string echo, string name)
    {
        foreach (var line in echo.Split('\n'))
        {
            if (line.StartsWith(name + ": ", StringComparison.Ordinal))
            {
                return line[(name.Length + 2)..];
            }
        }

        return null;
    }
}
