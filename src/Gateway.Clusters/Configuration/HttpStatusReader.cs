using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Gateway.Clusters.Configuration;

/// <summary>Reads envoy.type.v3.HttpStatus: <c>{ code: 429 }</c> or <c>{ code: TooManyRequests }</c> (envoy.type.v3.StatusCode).</summary>
public static class HttpStatusReader
{
    public const string MessageType = "envoy.type.v3.HttpStatus";

    // envoy.type.v3.StatusCode names (the enum's values are the status numbers).
    private static readonly Dictionary<string, int> Names = new(StringComparer.Ordinal)
    {
        ["Continue"] = 100, ["OK"] = 200, ["Created"] = 201, ["Accepted"] = 202, ["NonAuthoritativeInformation"] = 203,
        ["NoContent"] = 204, ["ResetContent"] = 205, ["PartialContent"] = 206, ["MultiStatus"] = 207, ["AlreadyReported"] = 208,
        ["IMUsed"] = 226, ["MultipleChoices"] = 300, ["MovedPermanently"] = 301, ["Found"] = 302, ["SeeOther"] = 303,
        ["NotModified"] = 304, ["UseProxy"] = 305, ["TemporaryRedirect"] = 307, ["PermanentRedirect"] = 308,
        ["BadRequest"] = 400, ["Unauthorized"] = 401, ["PaymentRequired"] = 402, ["Forbidden"] = 403, ["NotFound"] = 404,
        ["MethodNotAllowed"] = 405, ["NotAcceptable"] = 406, ["ProxyAuthenticationRequired"] = 407, ["RequestTimeout"] = 408,
        ["Conflict"] = 409, ["Gone"] = 410, ["LengthRequired"] = 411, ["PreconditionFailed"] = 412, ["PayloadTooLarge"] = 413,
        ["URITooLong"] = 414, ["UnsupportedMediaType"] = 415, ["RangeNotSatisfiable"] = 416, ["ExpectationFailed"] = 417,
        ["MisdirectedRequest"] = 421, ["UnprocessableEntity"] = 422, ["Locked"] = 423, ["FailedDependency"] = 424,
        ["UpgradeRequired"] = 426, ["PreconditionRequired"] = 428, ["TooManyRequests"] = 429, ["RequestHeaderFieldsTooLarge"] = 431,
        ["InternalServerError"] = 500, ["NotImplemented"] = 501, ["BadGateway"] = 502, ["ServiceUnavailable"] = 503,
        ["GatewayTimeout"] = 504, ["HTTPVersionNotSupported"] = 505, ["VariantAlsoNegotiates"] = 506, ["InsufficientStorage"] = 507,
        ["LoopDetected"] = 508, ["NotExtended"] = 510, ["NetworkAuthenticationRequired"] = 511,
    };

    /// <summary>The status of an HttpStatus field, or null when the field is absent or invalid (reported).</summary>
    public static int? Read(MessageReader owner, string field)
    {
        var status = owner.Message(field, MessageType);
        if (status is null)
        {
            return null;
        }

        var node = status.Take("code");
        status.Finish();
        if (node is YamlScalarNode { Value: { Length: > 0 } text })
        {
            if (Names.TryGetValue(text, out var named))
            {
                return named;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && Names.ContainsValue(number))
            {
                return number;
            }
        }

        status.Context.Error(status.Join("code"), node is null ? status.Mark : YamlMark.Of(node),
            "code: expected an envoy.type.v3.StatusCode, a status number such as 429 or a name such as TooManyRequests (0 / unset is refused, as Envoy's validation does)");
        return null;
    }
}
