using Gateway.AccessLog;
using Gateway.Clusters.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// Loads envoy.yaml and adds the checks only this layer can make (access log formats), so that
/// serving, reloading and <c>--mode validate</c> accept and refuse exactly the same files.
/// </summary>
public static class GatewayConfigLoader
{
    public static BootstrapLoadResult LoadFile(string path, BootstrapLoadOptions options) =>
        Checked(BootstrapLoader.LoadFile(path, options));

    public static BootstrapLoadResult Load(string yaml, string sourceName, BootstrapLoadOptions options) =>
        Checked(BootstrapLoader.Load(yaml, sourceName, options));

    private static BootstrapLoadResult Checked(BootstrapLoadResult result)
    {
        AccessLogService.Validate(result.Config);
        return result;
    }
}
