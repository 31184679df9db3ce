namespace Gateway.Routing;

public enum RouteActionKind
{
    Forward,
    DirectResponse,
    Redirect,
}
