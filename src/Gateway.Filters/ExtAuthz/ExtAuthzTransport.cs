namespace Gateway.Filters.ExtAuthz;

/// <summary>Which of ExtAuthz's services the filter calls.</summary>
public enum ExtAuthzTransport
{
    /// <summary><c>grpc_service</c>: envoy.service.auth.v3.Authorization/Check.</summary>
    Grpc,

    /// <summary><c>http_service</c>: the request's headers (and body) sent as an HTTP request; 200 allows.</summary>
    Http,
}
