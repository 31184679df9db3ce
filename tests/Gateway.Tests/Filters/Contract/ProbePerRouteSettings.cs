namespace Gateway.Tests.Filters.Contract;

/// <summary>test.ProbePerRoute: a route's own tag for the probe.</summary>
internal sealed record ProbePerRouteSettings(string Tag);
