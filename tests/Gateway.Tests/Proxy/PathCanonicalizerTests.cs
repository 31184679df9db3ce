using Gateway.Proxy;

namespace Gateway.Tests.Proxy;

/// <summary>
/// normalize_path, merge_slashes and the escaped-slash rewrite, string by string, on the cases Envoy's
/// path_utility tests pin down (Chromium's url_canon_path for normalize_path).
/// </summary>
public sealed class PathCanonicalizerTests
{
    [Theory]
    [InlineData("/xyz", "/xyz")]
    [InlineData("/x/y/z", "/x/y/z")]
    [InlineData("/a/b/../c", "/a/c")]
    [InlineData("/a/b/./c", "/a/b/c")]
    [InlineData("a/b/../c", "/a/c")]
    [InlineData("/a/b/../../../../c", "/c")]
    [InlineData("/a/..\\c", "/c")]
    [InlineData("/%c0%af", "/%c0%af")]
    [InlineData("/%5c%25", "/%5c%25")]
    [InlineData("/a/b/%2E%2E/c", "/a/c")]
    [InlineData("/a/b/%2e%2e/c", "/a/c")]
    [InlineData("/A/B/C", "/A/B/C")]
    [InlineData("/a/%2F%2f/c", "/a/%2F%2f/c")]
    // Escapes of unreserved characters are decoded; characters a path may not hold are escaped.
    [InlineData("/%7Euser/%41%62c", "/~user/Abc")]
    [InlineData("/a b/\"q\"/{x}", "/a%20b/%22q%22/%7Bx%7D")]
    [InlineData("/caf\u00e9", "/caf%C3%A9")]
    [InlineData("/a/.", "/a/")]
    [InlineData("/a/..", "/")]
    [InlineData("/a/.b/..c", "/a/.b/..c")]
    [InlineData("", "/")]
    // A '%' that starts no escape is passed on; if a decoded escape would complete one, it becomes %25.
    [InlineData("/100%", "/100%")]
    [InlineData("/%zz", "/%zz")]
    [InlineData("/%%30%30", "/%2500")]
    public void Valid_paths_are_canonicalized(string path, string expected)
    {
        Assert.True(PathCanonicalizer.TryCanonicalize(path, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("/xyz/.%00../abc")]
    [InlineData("/xyz/%00.%00./abc")]
    [InlineData("/xyz/AAAAA%%0000/abc")]
    public void Paths_with_an_escaped_nul_are_refused(string path) =>
        Assert.False(PathCanonicalizer.TryCanonicalize(path, out _));

    [Theory]
    [InlineData("", "")]
    [InlineData("a//b/c", "a/b/c")]
    [InlineData("/a//b/c/", "/a/b/c/")]
    [InlineData("a//b/c/", "a/b/c/")]
    [InlineData("/a", "/a")]
    [InlineData("//a/b/c", "/a/b/c")]
    [InlineData("/a/b/c//", "/a/b/c/")]
    [InlineData("/a////b/c", "/a/b/c")]
    public void Runs_of_slashes_merge(string path, string expected) =>
        Assert.Equal(expected, PathNormalizer.MergeSlashes(path));

    [Theory]
    [InlineData("%2f%2F", "//")]
    [InlineData("/a%2Fb%2fc/", "/a/b/c/")]
    [InlineData("%%2fa/", "%/a/")]
    [InlineData("%2%2fa/", "%2/a/")]
    [InlineData("/a%5Cb%5cc/", "/a\\b\\c/")]
    [InlineData("/x/%2E%2e/z%2f%2Fabc%5C../def", "/x/%2E%2e/z//abc\\../def")]
    [InlineData("%2b", null)]
    [InlineData("/abc%2", null)]
    [InlineData("foo%", null)]
    public void Escaped_slashes_are_found_and_unescaped(string path, string? expected) =>
        Assert.Equal(expected, PathNormalizer.UnescapeSlashes(path));
}
