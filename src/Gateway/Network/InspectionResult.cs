namespace Gateway.Network;

/// <summary>What a listener filter learnt from the bytes seen so far.</summary>
internal enum InspectionResult
{
    /// <summary>Not enough bytes yet to decide.</summary>
    NeedMore,

    /// <summary>Decided: the bytes are what the inspector looks for.</summary>
    Found,

    /// <summary>Decided: they are not.</summary>
    NotFound,

    /// <summary>They claim to be, but are malformed (the connection is closed, as Envoy does).</summary>
    Invalid,
}
