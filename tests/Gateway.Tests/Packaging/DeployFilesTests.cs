using System.Diagnostics;
using Gateway.Cli;
using Gateway.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Packaging;

/// <summary>
/// The container, compose and Kubernetes files, which cannot be run here (no Docker engine): parsed,
/// checked against each other and against what the gateway accepts; the image's entrypoint script is run.
/// </summary>
public sealed class DeployFilesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-deploy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static List<YamlMappingNode> Documents(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(RepositoryFiles.Read(relative)));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode At(YamlNode node, params object[] path)
    {
        foreach (var step in path)
        {
            node = step switch
            {
                string key => ((YamlMappingNode)node).Children[new YamlScalarNode(key)],
                int index => ((YamlSequenceNode)node).Children[index],
                _ => throw new ArgumentException("path steps are keys or indexes"),
            };
        }

        return node;
    }

    private static string Text(YamlNode node, params object[] path) => ((YamlScalarNode)At(node, path)).Value!;

    /// <summary>Validates a config as <c>--mode validate</c> does; returns stderr when it fails.</summary>
    private string Validate(string yaml, params string[] nativePlugin)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        Assert.True(CommandLineParser.TryParse(["-c", path, .. nativePlugin], out var options, out var error), error);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ValidateCommand.Run(options, stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        return stdout.ToString();
    }

    [Fact]
    public void Kubernetes_manifests_probe_ready_mount_the_configmap_as_a_directory_and_carry_a_valid_envoy_yaml()
    {
        var documents = Documents("deploy/kubernetes/gateway.yaml");
        var byKind = documents.ToDictionary(d => Text(d, "kind"));
        Assert.Equal(["ConfigMap", "Deployment", "Service"], byKind.Keys.Order());

        var configMap = byKind["ConfigMap"];
        Assert.Contains("OK", Validate(Text(configMap, "data", "envoy.yaml")));

        var pod = At(byKind["Deployment"], "spec", "template", "spec");
        var container = At(pod, "containers", 0);
        Assert.Equal("/usr/local/bin/envoy", Text(container, "command", 0));
        Assert.Equal("/ready", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("admin", Text(container, "readinessProbe", "httpGet", "port"));
        Assert.NotNull(At(container, "livenessProbe", "httpGet", "path"));
        var portNames = ((YamlSequenceNode)At(container, "ports")).Children.Select(p => Text(p, "name")).ToHashSet();
        var ports = ((YamlSequenceNode)At(container, "ports")).Children.ToDictionary(p => Text(p, "name"), p => int.Parse(Text(p, "containerPort")));

        // The ..data symlink swap happens only for a directory mount; a subPath mount never sees an update.
        var mount = ((YamlSequenceNode)At(container, "volumeMounts")).Children.Single(m => Text(m, "name") == "config");
        Assert.Equal("/etc/envoy", Text(mount, "mountPath"));
        Assert.False(((YamlMappingNode)mount).Children.ContainsKey(new YamlScalarNode("subPath")));
        var volume = ((YamlSequenceNode)At(pod, "volumes")).Children.Single(v => Text(v, "name") == "config");
        Assert.Equal(Text(configMap, "metadata", "name"), Text(volume, "configMap", "name"));

        // The ports the pod declares are the ones its envoy.yaml binds, and the Service targets them by name.
        var envoy = new YamlStream();
        envoy.Load(new StringReader(Text(configMap, "data", "envoy.yaml")));
        var bootstrap = envoy.Documents[0].RootNode;
        Assert.Equal(ports["admin"], int.Parse(Text(bootstrap, "admin", "address", "socket_address", "port_value")));
        Assert.Equal(ports["http"], int.Parse(Text(bootstrap, "static_resources", "listeners", 0, "address", "socket_address", "port_value")));
        foreach (var port in ((YamlSequenceNode)At(byKind["Service"], "spec", "ports")).Children)
        {
            Assert.Contains(Text(port, "targetPort"), portNames);
        }

        Assert.Equal(Text(byKind["Deployment"], "spec", "selector", "matchLabels", "app.kubernetes.io/name"), Text(byKind["Service"], "spec", "selector", "app.kubernetes.io/name"));
    }

    [Fact]
    public void Compose_mirrors_higress_plugin_dev_with_the_envoy_entrypoint_and_a_valid_mounted_config()
    {
        var compose = Documents("docker-compose.yml").Single();
        var envoy = At(compose, "services", "envoy");
        Assert.Equal("/usr/local/bin/envoy", Text(envoy, "entrypoint"));
        var command = ((YamlSequenceNode)At(envoy, "command")).Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();
        Assert.True(CommandLineParser.TryParse(command, out var options, out var error), error);
        Assert.Equal("/etc/envoy/envoy.yaml", options.ConfigPath);

        var volume = Text(envoy, "volumes", 0).Split(':');
        Assert.Equal("/etc/envoy/envoy.yaml", volume[1]);
        var mounted = RepositoryFiles.Read(volume[0]);
        Assert.Contains("OK", Validate(mounted, "--native-plugin", options.NativePlugins.Select(p => $"{p.Key}={p.Value}").Single()));
        Assert.Contains("outbound|80||httpbin", mounted);
        Assert.NotNull(At(compose, "services", "httpbin", "image"));
        var published = ((YamlSequenceNode)At(envoy, "ports")).Children.Select(p => ((YamlScalarNode)p).Value).ToList();
        Assert.Contains("10000:10000", published);
        Assert.Contains("9901:9901", published);
    }

    [Fact]
    public void Dockerfile_installs_the_envoy_entrypoint_the_bundled_config_and_the_commit()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        Assert.Contains("ENTRYPOINT [\"/usr/local/bin/envoy\"]", dockerfile);
        Assert.Contains("COPY --chmod=755 deploy/docker/envoy /usr/local/bin/envoy", dockerfile);
        Assert.Contains("COPY deploy/docker/envoy.yaml /etc/envoy/envoy.yaml", dockerfile);
        Assert.Contains("-p:SourceRevisionId=\"${GIT_COMMIT}\"", dockerfile);
        Assert.Contains("FROM --platform=$BUILDPLATFORM", dockerfile);
        foreach (var line in dockerfile.Split('\n').Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1);
            foreach (var source in sources)
            {
                Assert.True(Path.Exists(RepositoryFiles.PathOf(source)), $"Dockerfile copies {source}, which is not in the repository");
            }
        }
    }

    [Fact]
    public void Dockerfile_ships_the_native_aot_binary_on_pinned_runtime_deps_cross_compiled_per_target()
    {
        var dockerfile = RepositoryFiles.Read("Dockerfile");
        var lines = dockerfile.Split('\n').Select(l => l.TrimEnd()).ToList();
        string Arg(string name) => lines.Single(l => l.StartsWith($"ARG {name}=", StringComparison.Ordinal))[$"ARG {name}=".Length..];

        // Base images pinned by an exact version tag (major.minor.patch), the runtime one on runtime-deps.
        var exactTag = new System.Text.RegularExpressions.Regex(@"^mcr\.microsoft\.com/dotnet/(sdk|runtime-deps):10\.0\.\d+(-[a-z0-9-]+)?$");
        Assert.Matches(exactTag, Arg("SDK_IMAGE"));
        Assert.StartsWith("mcr.microsoft.com/dotnet/runtime-deps:10.0.", Arg("RUNTIME_IMAGE"), StringComparison.Ordinal);
        Assert.Matches(exactTag, Arg("RUNTIME_IMAGE"));

        // Two stages: the build on the build machine's platform, the final one on the runtime image.
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, froms.Count);
        Assert.Equal("FROM --platform=$BUILDPLATFORM ${SDK_IMAGE} AS build", froms[0]);
        Assert.Equal("FROM ${RUNTIME_IMAGE}", froms[1]);
        Assert.Contains("ARG TARGETARCH", lines);

        // Restore from the project files only, before the source is copied, for the target and with AOT.
        int Index(Func<string, bool> match) => lines.FindIndex(l => match(l));
        var restore = Index(l => l.StartsWith("RUN dotnet restore ", StringComparison.Ordinal));
        var sourceCopy = Index(l => l == "COPY src/ src/");
        var publish = Index(l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal));
        Assert.True(restore > 0 && sourceCopy > restore && publish > sourceCopy, "restore, then COPY src/, then publish");
        foreach (var copy in lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1);
            Assert.All(sources, source => Assert.True(
                source.EndsWith(".csproj", StringComparison.Ordinal) || source.EndsWith(".props", StringComparison.Ordinal) || source == "global.json",
                $"{source} is copied before the restore: a source edit would invalidate the restore layer"));
        }

        Assert.Contains("-a \"$TARGETARCH\"", lines[restore]);
        Assert.Contains("-p:PublishAot=true", lines[restore]);

        // The publish is Native AOT for the target architecture (not ReadyToRun, not framework-dependent).
        var publishCommand = lines[publish];
        for (var i = publish; lines[i].EndsWith('\\'); i++)
        {
            publishCommand += " " + lines[i + 1];
        }

        Assert.Contains("-p:PublishAot=true", publishCommand);
        Assert.Contains("-a \"$TARGETARCH\"", publishCommand);
        // The smaller-memory publish (no PIE) only when asked for: the default image keeps ASLR, as Envoy's.
        Assert.Equal("false", Arg("AOT_LOW_MEMORY"));
        Assert.Contains("-p:AotLowMemory=\"${AOT_LOW_MEMORY}\"", publishCommand);
        Assert.DoesNotContain("PublishReadyToRun", dockerfile);
        Assert.DoesNotContain("--self-contained false", dockerfile);

        // A cross linker for each target the build machine is not, and the entrypoint runs the native binary.
        Assert.Contains("gcc-aarch64-linux-gnu", dockerfile);
        Assert.Contains("gcc-x86-64-linux-gnu", dockerfile);
        Assert.Contains("exec ${GATEWAY_COMMAND:-/app/Gateway}", RepositoryFiles.Read("deploy/docker/envoy"));
    }

    [Fact]
    public async Task The_image_config_answers_a_page_and_the_admin_with_no_upstream()
    {
        var yaml = RepositoryFiles.Read("deploy/docker/envoy.yaml")
            .Replace("address: 0.0.0.0, port_value: 9901", "address: 127.0.0.1, port_value: 0")
            .Replace("address: 0.0.0.0, port_value: 10000", "address: 127.0.0.1, port_value: 0");
        await using var gateway = await TestGateway.StartAsync(yaml);

        using var response = await gateway.Client.GetAsync("/");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("The gateway is running", await response.Content.ReadAsStringAsync());
        Assert.Equal("LIVE\n", await gateway.Admin.GetStringAsync("/ready"));
    }

    [Theory]
    [InlineData("", "-c /etc/envoy/envoy.yaml")]
    [InlineData("--log-level debug", "-c /etc/envoy/envoy.yaml --log-level debug")]
    [InlineData("envoy -c /x.yaml --concurrency 2", "-c /x.yaml --concurrency 2")]
    [InlineData("--config-path=/y.yaml", "--config-path=/y.yaml")]
    [InlineData("--version", "--version")]
    public async Task The_envoy_entrypoint_keeps_the_default_config_when_only_flags_are_given(string given, string expected)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryFiles.PathOf("deploy/docker/envoy"));
        foreach (var arg in given.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        // printf, not echo: /bin/echo would answer --version itself. Each argument ends with '|'.
        start.Environment["GATEWAY_COMMAND"] = "printf %s|";
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Equal(expected.Replace(' ', '|') + "|", output);
    }
}
