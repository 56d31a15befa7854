using System.Text.Json;

namespace Bitrix.Generator.IntegrationTests;

/// <summary>
/// The generated row reader reads the portal's usual shapes straight from the UTF-8 bytes (names,
/// numbers, flags, dates) and everything else through the general parsers: both must give the same values.
/// </summary>
public class RowReaderTests
{
    [Theory]
    [InlineData("2024-09-02T10:15:00+03:00", 2024, 9, 2, 10, 15, 0, 180)]
    [InlineData("2024-09-02T10:15:00-05:30", 2024, 9, 2, 10, 15, 0, -330)]
    [InlineData("2024-09-02T10:15:00Z", 2024, 9, 2, 10, 15, 0, 0)]
    [InlineData("2024-09-02T10:15:00.5+03:00", 2024, 9, 2, 10, 15, 0, 180)]
    [InlineData("2024-09-02T10:15:00", 2024, 9, 2, 10, 15, 0, 0)]
    [InlineData("2024-09-02T10:15:00\\u002B03:00", 2024, 9, 2, 10, 15, 0, 180)]
    [InlineData("2024-02-29T23:59:59+14:00", 2024, 2, 29, 23, 59, 59, 840)]
    public void Date_times_keep_their_offset(string text, int year, int month, int day, int hour, int minute, int second, int offsetMinutes)
    {
        var deal = Read($$"""{"DATE_CREATE":"{{text}}"}""");

        var expected = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.FromMinutes(offsetMinutes));
        Assert.Equal(expected.UtcTicks, deal.DateCreate!.Value.UtcTicks - (text.Contains(".5", StringComparison.Ordinal) ? TimeSpan.TicksPerMillisecond * 500 : 0));
        Assert.Equal(expected.Offset, deal.DateCreate.Value.Offset);
    }

    [Theory]
    [InlineData("2024-02-30T10:15:00+03:00")]
    [InlineData("2024-13-02T10:15:00+03:00")]
    [InlineData("2024-09-02T25:15:00+03:00")]
    [InlineData("2024-09-02X10:15:00+03:00")]
    public void Impossible_date_times_are_not_read_as_dates(string text)
    {
        var deal = Read($$"""{"DATE_CREATE":"{{text}}"}""");

        Assert.Null(deal.DateCreate);
        Assert.True(deal.AdditionalData!.ContainsKey("DATE_CREATE"));
    }

    [Theory]
    [InlineData("2023-01-09T00:00:00+03:00")]
    [InlineData("2023-01-09T23:30:00-05:00")]
    [InlineData("2023-01-09")]
    [InlineData("09.01.2023")]
    public void A_date_is_the_calendar_day_the_portal_wrote(string text)
    {
        Assert.Equal(new DateOnly(2023, 1, 9), Read($$"""{"BEGINDATE":"{{text}}"}""").Begindate);
    }

    [Fact]
    public void Escaped_names_and_values_read_like_plain_ones()
    {
        var plain = Read("""{"ID":"42","OPPORTUNITY":"25365.47","OPENED":"Y","TITLE":"Deal \"A\"","PROBABILITY":"-5"}""");
        var escaped = Read("""{"\u0049D":"4\u0032","OPPORTUNITY":"25365\u002E47","OPEN\u0045D":"\u0059","TITLE":"Deal \"A\"","PROBABILITY":" -5 "}""");

        Assert.Equal(42, plain.Id);
        Assert.Equal(25365.47m, plain.Opportunity);
        Assert.True(plain.Opened);
        Assert.Equal("Deal \"A\"", plain.Title);
        Assert.Equal(plain with { AdditionalData = null }, escaped with { AdditionalData = null });
        Assert.Null(escaped.AdditionalData);
    }

    [Fact]
    public void Field_order_and_unknown_fields_do_not_change_what_is_read()
    {
        var inOrder = Read("""{"ID":"7","TITLE":"A","TYPE_ID":"SALE","CATEGORY_ID":"2","STAGE_ID":"C2:NEW","OPPORTUNITY":"10.50","DATE_CREATE":"2024-09-02T10:15:00+03:00"}""");
        var shuffled = Read("""{"DATE_CREATE":"2024-09-02T10:15:00+03:00","UF_CRM_1":"x","OPPORTUNITY":"10.50","STAGE_ID":"C2:NEW","ID":"7","CATEGORY_ID":"2","TYPE_ID":"SALE","TITLE":"A"}""");

        Assert.Equal(inOrder, shuffled with { AdditionalData = null });
        Assert.Equal(["UF_CRM_1"], shuffled.AdditionalData!.Keys);
        Assert.Equal("C2:NEW", shuffled.StageId);
        Assert.Equal(10.50m, shuffled.Opportunity);
    }

    [Theory]
    [InlineData("\"Y\"", true)]
    [InlineData("\"N\"", false)]
    [InlineData("\"1\"", true)]
    [InlineData("\"0\"", false)]
    [InlineData("\"true\"", true)]
    [InlineData("true", true)]
    [InlineData("\"\"", null)]
    [InlineData("null", null)]
    public void Flags_read_from_every_spelling(string json, bool? expected)
    {
        Assert.Equal(expected, Read($$"""{"OPENED":{{json}}}""").Opened);
    }

    private static Deal Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Deal.FromJson(document.RootElement);
    }
}
