using System.Text.Json;

namespace Gateway.AccessLog;

/// <summary>How metadata values are written as JSON in access logs (compact, as Envoy).</summary>
internal static class AccessLogValueJson
{
    public static readonly JsonSerializerOptions Default = new() { WriteIndented = false };
}
