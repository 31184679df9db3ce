namespace Gateway.Filters.ExtAuthz;

/// <summary>One transport to the authorization service (gRPC Check, or an HTTP request).</summary>
internal interface IAuthorizationClient
{
    Task<AuthorizationResponse> CheckAsync(HttpFilterContext context, ExtAuthzPerRouteSettings? perRoute, ReadOnlyMemory<byte> body, CancellationToken aborted);
}
