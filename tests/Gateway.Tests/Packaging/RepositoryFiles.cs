namespace Gateway.Tests.Packaging;

/// <summary>The checkout the tests were built from (found above the test output), for tests over its shipped files.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = Find();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(d.FullName, "Gateway.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"no Gateway.sln above {AppContext.BaseDirectory}: these tests read the repository's files");
    }
}
