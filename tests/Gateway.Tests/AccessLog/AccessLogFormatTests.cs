using System.Text;
using Gateway.AccessLog;

namespace Gateway.Tests.AccessLog;

/// <summary>Compiling format strings: Envoy's operator syntax and its errors; START_TIME formats.</summary>
public sealed class AccessLogFormatTests
{
    [Theory]
    [InlineData("%REQ(%")]
    [InlineData("100%")]
    [InlineData("%req(x)%")]
    [InlineData("%REQ(A?B?C)%")]
    [InlineData("%REQ()%")]
    [InlineData("%DURATION(x)%")]
    public void Malformed_or_unknown_operators_are_rejected(string format)
    {
        var error = Assert.Throws<AccessLogFormatException>(() => AccessLogFormatParser.Parse(format));
        Assert.Contains(format, error.Message);
    }

    [Fact]
    public void Default_format_compiles_into_literals_and_operators()
    {
        var segments = AccessLogFormatParser.Parse(AccessLogFormatParser.DefaultFormat);
        Assert.Equal(15, segments.Count(s => !s.IsLiteral));
        Assert.Equal("\"\n", ((LiteralSegment)segments[^1]).Text);
    }

    [Theory]
    [InlineData("%Y-%m-%dT%H:%M:%S.%3fZ", "2018-11-23T04:51:00.281Z")]
    [InlineData("%F %T", "2018-11-23 04:51:00")]
    [InlineData("%s", "1542948660")]
    [InlineData("%6f|%f|%%|%j", "281234|281234500|%|327")]
    [InlineData("%d/%b/%Y:%H:%M:%S %z", "23/Nov/2018:04:51:00 +0000")]
    public void Strftime_formats(string format, string expected)
    {
        var time = new DateTime(2018, 11, 23, 4, 51, 0, DateTimeKind.Utc).AddTicks(2812345);
        var text = new StringBuilder();
        StrftimeFormat.Compile(format).Append(text, time);
        Assert.Equal(expected, text.ToString());
    }
}
