using Microsoft.AspNetCore.Http;

namespace DemoUpstream;

/// <summary>
/// Counts requests and turns malformed client input into plain 4xx responses instead of
/// 500s, so a bad request never surfaces a stack trace.
/// </summary>
internal sealed class ErrorShieldMiddleware(RequestDelegate next, RequestCounter counter)
{
    public async Task InvokeAsync(HttpContext context)
    {
        counter.Increment();
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody left to answer.
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Covers oversized or truncated bodies; Kestrel chose the right status already.
            context.Response.Clear();
            context.Response.StatusCode = ex.StatusCode;
        }
        catch (InvalidDataException) when (!context.Response.HasStarted)
        {
            // Malformed form / multipart bodies.
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
    }
}
