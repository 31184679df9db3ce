using System.Text.RegularExpressions;
using System.Xml.Linq;
using Gateway.Tests.Support;

namespace Gateway.Tests.Packaging;

/// <summary>
/// The Native AOT publish lays its code out in src/Gateway/Aot/method-order.txt's order (made by bench/aot-order.sh),
/// so what a start runs is packed together instead of spread over the whole image (RSS after start 25.7 -> 20 MiB).
/// </summary>
public class AotMethodOrderTests
{
    private const string OrderFile = "src/Gateway/Aot/method-order.txt";

    private static readonly Lazy<string[]> OrderedNames = new(() =>
    {
        var path = RepositoryFiles.PathOf(OrderFile);
        Assert.True(File.Exists(path), $"{OrderFile} is missing: make it with bench/aot-order.sh");
        return File.ReadAllLines(path);
    });

    private static string[] Names => OrderedNames.Value;

    /// <summary>ILC reads one raw symbol name per line: a comment, a blank or a C# signature would be a name that matches nothing.</summary>
    [Fact]
    public void The_order_file_is_wired_into_the_AOT_publish_and_holds_only_symbol_names()
    {
        var project = XDocument.Load(RepositoryFiles.PathOf("src/Gateway/Gateway.csproj"));
        var orderFile = project.Descendants("IlcOrderFile").Single();
        Assert.Equal("$(MSBuildThisFileDirectory)Aot/method-order.txt", orderFile.Value);
        Assert.Contains("'$(PublishAot)' == 'true'", orderFile.Parent!.Attribute("Condition")!.Value, StringComparison.Ordinal);

        Assert.True(Names.Length > 1000, $"{OrderFile} lists {Names.Length} names: regenerate it with bench/aot-order.sh");
        var symbol = new Regex(@"^[^\s#(),]+$");
        Assert.All(Names, name => Assert.Matches(symbol, name));
        Assert.Equal(Names.Length, Names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("Gateway_Program___Main_", Names);
    }

    /// <summary>
    /// In the published binary the listed methods exist (the file is not stale) and sit together: the 64 KiB blocks
    /// they fall into are few, against ~130 for the default layout. Reads the .dbg symbols the publish leaves beside it.
    /// </summary>
    [GatewayBinaryFact]
    public void The_published_binary_packs_the_listed_methods_together()
    {
        var symbols = GatewayBinaryProcess.BinaryPath + ".dbg";
        Assert.True(File.Exists(symbols), $"{symbols} not found: publish without StripSymbols=false keeps it beside the binary");
        var functions = ElfSymbolTable.ReadFunctions(symbols);

        var found = Names.Where(functions.ContainsKey).Select(name => functions[name]).ToList();
        Assert.True(found.Count >= Names.Length * 8 / 10,
            $"{found.Count} of the {Names.Length} names in {OrderFile} are in the binary: the code moved on, regenerate it with bench/aot-order.sh");

        var bytes = found.Sum(f => (long)f.Size);
        var ideal = (int)((bytes + 65535) / 65536);
        var blocks = found.Select(f => f.Address / 65536).Distinct().Count();
        Assert.True(blocks <= 2 * ideal + 8,
            $"the {found.Count} listed methods ({bytes} bytes, {ideal} blocks of 64 KiB if packed) fall into {blocks} blocks: the order file was not applied (-p:AotMethodOrder=false?)");
    }
}
