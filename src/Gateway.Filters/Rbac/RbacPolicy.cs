namespace Gateway.Filters.Rbac;

/// <summary>One named policy: it matches when some permission and some principal match.</summary>
public sealed record RbacPolicy(string Name, RbacMatcher Permissions, RbacMatcher Principals);
