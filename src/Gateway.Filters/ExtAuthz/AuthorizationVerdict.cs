namespace Gateway.Filters.ExtAuthz;

/// <summary>Envoy's ExtAuthz CheckStatus.</summary>
public enum AuthorizationVerdict
{
    Ok,
    Denied,

    /// <summary>The service could not be asked or did not answer usefully (failure_mode_allow / status_on_error apply).</summary>
    Error,
}
