namespace Gateway.Clusters.Configuration;

// Placeholder until the generated catalog lands.
public static class EnvoyFieldCatalog
{
    public static bool Knows(string messageType) => false;
    public static bool HasField(string messageType, string field) => false;
}
