namespace Gateway.Clusters.Configuration;

/// <summary>
/// One piece of a parsed Envoy format string: literal text (with <c>%%</c> already turned into
/// <c>%</c>) or a command operator <c>%NAME(args):N%</c>.
/// </summary>
/// <param name="Text">The literal text, or the command's name.</param>
/// <param name="IsCommand">True for a command operator.</param>
/// <param name="Args">The text between the parentheses, or null when there are none.</param>
/// <param name="MaxLength">The <c>:N</c> suffix, or null.</param>
public sealed record SubstitutionFormatPart(string Text, bool IsCommand, string? Args = null, int? MaxLength = null);
