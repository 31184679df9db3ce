namespace Gateway.Clusters.Model;

public enum AccessLogSink
{
    Stdout,
    Stderr,
    File,
}
