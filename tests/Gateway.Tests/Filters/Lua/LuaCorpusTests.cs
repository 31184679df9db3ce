using System.Net;
using Gateway.Tests.Conformance;
using Gateway.Tests.Support;

namespace Gateway.Tests.Filters.Lua;

/// <summary>The Lua scripts of the public corpus, run unmodified (the file itself, moved to local ports).</summary>
public sealed class LuaCorpusTests
{
    private static string CorpusFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "conformance", "corpus", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"shared/conformance/corpus/{relative} not found above the test assembly");
    }

    [Fact]
    public async Task Envoy_examples_lua_config_runs_its_scripts_with_their_library()
    {
        await using var upstream = await TinyUpstream.StartAsync(HeaderEcho.Handle);
        var yaml = LocalRewriter.Rewrite(await File.ReadAllTextAsync(CorpusFile("examples/lua__envoy.yaml")), _ => upstream.Port);
        var directory = TestGateway.NewDirectory();
        // The example's require("lib.mylibrary") is a file beside envoy.yaml in the example; this one is written here.
        Directory.CreateDirectory(Path.Combine(directory, "lib"));
        await File.WriteAllTextAsync(Path.Combine(directory, "lib", "mylibrary.lua"), "local M = {}\nfunction M.foobar() return \"bar\" end\nreturn M\n");
        await using var gw = await TestGateway.StartAsync(yaml, directory: directory);

        using var plain = await gw.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("bar", HeaderEcho.Header(await plain.Content.ReadAsStringAsync(), "foo"));
        Assert.False(plain.Headers.Contains("header_key_1"));

        using var both = await gw.Client.GetAsync("/multiple/lua/scripts");
        Assert.Equal("bar", HeaderEcho.Header(await both.Content.ReadAsStringAsync(), "foo"));
        Assert.Equal("header_value_1", both.Headers.GetValues("header_key_1").Single());
    }

    [Fact]
    public async Task Envoy_docs_lua_filter_config_runs_its_scripts()
    {
        // The file's upstream is TLS (to upstream.com); its virtual host metadata is not supported and skipped.
        await using var upstream = await TinyUpstream.StartAsync(HeaderEcho.Handle, tls: true);
        var yaml = LocalRewriter.Rewrite(await File.ReadAllTextAsync(CorpusFile("envoy/docs__root__configuration__http__http_filters___include__lua-filter.yaml")), _ => upstream.Port);
        await using var gw = await TestGateway.StartAsync(yaml, o => o with { IgnoreUnsupported = true });
        using var response = await gw.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
