namespace Gateway.Cli;

// Placeholder until the http-call branch lands.
public static class ClusterNameCommand
{
    public static int Run(string json, TextWriter stdout, TextWriter stderr) => 1;
}
