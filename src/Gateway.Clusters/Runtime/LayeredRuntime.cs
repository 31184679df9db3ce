using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Clusters.Model;

namespace Gateway.Clusters.Runtime;

/// <summary>
/// The gateway's runtime: the static layers of the current config (swapped on reload) and an admin
/// layer that POST /runtime_modify writes (kept across reloads, as Envoy keeps it). Lookups read an
/// immutable merged map, rebuilt only when a layer changes.
/// </summary>
public sealed class LayeredRuntime : IRuntime
{
    private readonly ConcurrentDictionary<string, string> _admin = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private RuntimeConfig _config = RuntimeConfig.Empty;
    private Dictionary<string, string> _merged = new(StringComparer.Ordinal);
    private Dictionary<string, IReadOnlyDictionary<string, string>> _disk = new(StringComparer.Ordinal);

    /// <summary>The layers of the config in force.</summary>
    public RuntimeConfig Config => Volatile.Read(ref _config);

    /// <summary>True when the config has an admin_layer (POST /runtime_modify needs one).</summary>
    public bool HasAdminLayer => Config.Layers.Any(l => l.Kind == RuntimeLayerKind.Admin);

    /// <summary>Puts a new config's layers in force (start-up and each reload).</summary>
    public void Apply(RuntimeConfig config)
    {
        lock (_gate)
        {
            Volatile.Write(ref _config, config);
            _disk = ReadDiskLayers(config);
            Rebuild();
        }
    }

    /// <summary>
    /// Re-reads the disk layers (called on a timer by the host): Envoy watches symlink_root and reloads
    /// when the link is swapped; a poll sees the same change. Returns true when a value changed.
    /// </summary>
    public bool RefreshDiskLayers()
    {
        lock (_gate)
        {
            var fresh = ReadDiskLayers(_config);
            if (fresh.Count == _disk.Count && fresh.All(f => _disk.TryGetValue(f.Key, out var old) && old.Count == f.Value.Count && !f.Value.Except(old).Any()))
            {
                return false;
            }

            _disk = fresh;
            Rebuild();
            return true;
        }
    }

    /// <summary>True when a disk layer is configured (the host then polls it).</summary>
    public bool HasDiskLayers => Config.Layers.Any(l => l.Kind == RuntimeLayerKind.Disk);

    /// <summary>POST /runtime_modify: sets (or, with an empty value, removes) admin-layer keys.</summary>
    public void Modify(IEnumerable<KeyValuePair<string, string>> values)
    {
        lock (_gate)
        {
            foreach (var (key, value) in values)
            {
                if (value.Length == 0)
                {
                    _admin.TryRemove(key, out _);
                }
                else
                {
                    _admin[key] = value;
                }
            }

            Rebuild();
        }
    }

    /// <summary>Each key's value per layer (empty where a layer does not set it), for GET /runtime.</summary>
    public IReadOnlyList<(string Key, string Final, string[] LayerValues)> Entries()
    {
        var config = Config;
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var layer in config.Layers)
        {
            keys.UnionWith(ValuesOf(layer).Keys);
        }

        var merged = Volatile.Read(ref _merged);
        return keys.Select(k => (k, merged.GetValueOrDefault(k, ""), config.Layers
            .Select(l => ValuesOf(l).GetValueOrDefault(k) ?? "")
            .ToArray())).ToArray();
    }

    public string? GetValue(string key) => Volatile.Read(ref _merged).GetValueOrDefault(key);

    public ulong GetInteger(string key, ulong defaultValue) =>
        GetValue(key) is { } text && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : defaultValue;

    public bool GetBoolean(string key, bool defaultValue) => GetValue(key) switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => defaultValue,
    };

    public bool FractionEnabled(FractionalPercentConfig defaultValue, string runtimeKey, ulong random)
    {
        var numerator = (ulong)defaultValue.Numerator;
        var denominator = (ulong)defaultValue.Denominator;
        var merged = Volatile.Read(ref _merged);
        if (merged.TryGetValue(runtimeKey, out var text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var plain))
        {
            numerator = plain;
        }
        else if (merged.TryGetValue(runtimeKey + ".numerator", out var num) && ulong.TryParse(num, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            numerator = n;
            denominator = merged.GetValueOrDefault(runtimeKey + ".denominator") switch
            {
                "TEN_THOUSAND" => 10_000,
                "MILLION" => 1_000_000,
                _ => 100,
            };
        }

        return denominator != 0 && random % denominator < numerator;
    }

    private IReadOnlyDictionary<string, string> ValuesOf(RuntimeLayerConfig layer) => layer.Kind switch
    {
        RuntimeLayerKind.Admin => _admin,
        RuntimeLayerKind.Disk => _disk.GetValueOrDefault(layer.Name) ?? (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(),
        _ => layer.Values,
    };

    /// <summary>Each file under the layer's directory is a key (its relative path with '/' as '.'); its text, trimmed, the value.</summary>
    private static Dictionary<string, IReadOnlyDictionary<string, string>> ReadDiskLayers(RuntimeConfig config)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var layer in config.Layers.Where(l => l.Kind == RuntimeLayerKind.Disk))
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            try
            {
                if (layer.Directory is { } directory && System.IO.Directory.Exists(directory))
                {
                    foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
                    {
                        var key = Path.GetRelativePath(directory, file).Replace(Path.DirectorySeparatorChar, '.');
                        var lines = File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith('#'));
                        values[key] = string.Join("\n", lines).Trim();
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A layer being swapped mid-read is read whole again at the next poll.
            }

            result[layer.Name] = values;
        }

        return result;
    }

    private void Rebuild()
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in _config.Layers)
        {
            foreach (var (key, value) in ValuesOf(layer))
            {
                merged[key] = value;
            }
        }

        Volatile.Write(ref _merged, merged);
    }
}
