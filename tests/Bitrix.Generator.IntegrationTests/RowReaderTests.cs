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

    // Portals print a date-only value as midnight UTC shown in their zone (b24restdocs
    // api-reference/crm/deals/crm-deal-get.md: "BEGINDATE": "2024-08-30T02:00:00+02:00"); older answers and
    // other writers give midnight of the zone. Both mean the same calendar day, east and west of UTC.
    [Theory]
    [InlineData("2024-05-01T03:00:00+03:00")]
    [InlineData("2024-05-01T02:00:00+02:00")]
    [InlineData("2024-04-30T19:00:00-05:00")]
    [InlineData("2024-04-30T14:00:00-10:00")]
    [InlineData("2024-05-01T14:00:00+14:00")]
    [InlineData("2024-05-01T05:30:00+05:30")]
    [InlineData("2024-04-30T20:30:00-03:30")]
    [InlineData("2024-05-01T00:00:00+03:00")]
    [InlineData("2024-05-01T00:00:00-05:00")]
    [InlineData("2024-05-01T00:00:00+00:00")]
    [InlineData("2024-05-01T00:00:00Z")]
    [InlineData("2024-05-01T03:00:00\\u002B03:00")]
    [InlineData("2024-04-30T19:00:00\\u002D05:00")]
    [InlineData("2024-05-01")]
    [InlineData("01.05.2024")]
    public void A_date_only_value_is_the_day_the_portal_meant_in_both_forms_east_and_west(string text)
    {
        var deal = Read($$"""{"BEGINDATE":"{{text}}","CLOSEDATE":"{{text}}"}""");

        Assert.Equal(new DateOnly(2024, 5, 1), deal.Begindate);
        Assert.Equal(new DateOnly(2024, 5, 1), deal.Closedate);
        Assert.Null(deal.AdditionalData);
    }

    [Fact]
    public void A_row_escaped_as_the_portal_escapes_it_reads_like_the_plain_row()
    {
        // The portal's json_encode flags: non-ASCII as \uxxxx, the five HTML-sensitive characters as
        // \u0022 \u0026 \u003C \u003E \u0027, and the slash as \/ (crm-deal-get.md: "[B]Example comment[\/B]").
        var plain = Read("""
            {"ID":"410","TITLE":"Сделка \"A\" & <b>'x'</b> № 1/2 😀","OPPORTUNITY":"1000000.00","OPENED":"Y","BEGINDATE":"2024-08-30T02:00:00+02:00","DATE_CREATE":"2024-08-30T14:29:00+02:00","COMMENTS":"[B]Example comment[/B]","STAGE_ID":"C1:NEW"}
            """);
        var escaped = Read("""
            {"ID":"410","TITLE":"\u0421\u0434\u0435\u043b\u043a\u0430 \u0022A\u0022 \u0026 \u003Cb\u003E\u0027x\u0027\u003C\/b\u003E \u2116 1\/2 \ud83d\ude00","OPPORTUNITY":"1000000.00","OPENED":"Y","BEGINDATE":"2024-08-30T02:00:00+02:00","DATE_CREATE":"2024-08-30T14:29:00+02:00","COMMENTS":"[B]Example comment[\/B]","STAGE_ID":"C1:NEW"}
            """);

        Assert.Equal(plain, escaped);
        Assert.Equal("Сделка \"A\" & <b>'x'</b> № 1/2 😀", escaped.Title);
        Assert.Equal("[B]Example comment[/B]", escaped.Comments);
        Assert.Equal(new DateOnly(2024, 8, 30), escaped.Begindate);
        Assert.Equal(1000000.00m, escaped.Opportunity);
        Assert.Null(escaped.AdditionalData);
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

    [Theory]
    [InlineData("ID", "\"42\"")]
    [InlineData("ID", "\" -42 \"")]
    [InlineData("ID", "\"+7\"")]
    [InlineData("ID", "\"\"")]
    [InlineData("ID", "\"12.5\"")]
    [InlineData("ID", "\"1e3\"")]
    [InlineData("ID", "\"9223372036854775808\"")]
    [InlineData("ID", "\"x\"")]
    [InlineData("OPPORTUNITY", "\"25365.47\"")]
    [InlineData("OPPORTUNITY", "\"-1.5e2\"")]
    [InlineData("OPPORTUNITY", "\" 0.00 \"")]
    [InlineData("OPPORTUNITY", "\"\"")]
    [InlineData("OPPORTUNITY", "\"1,5\"")]
    [InlineData("OPPORTUNITY", "\"0.00\"")]
    [InlineData("OPPORTUNITY", "\"12.\"")]
    [InlineData("TITLE", "\"Deal A\"")]
    [InlineData("TITLE", "\"\"")]
    [InlineData("TITLE", "\"Сделка — Вятка\"")]
    [InlineData("TITLE", "\"a\\\\b\\\"c\\\\u2014\"")]
    [InlineData("OPENED", "\"Y\"")]
    [InlineData("OPENED", "\"n\"")]
    [InlineData("OPENED", "\"0\"")]
    [InlineData("OPENED", "\"false\"")]
    [InlineData("OPENED", "\"\"")]
    [InlineData("OPENED", "\"X\"")]
    [InlineData("OPENED", "\"YY\"")]
    [InlineData("BEGINDATE", "\"2023-01-09T00:00:00+03:00\"")]
    [InlineData("BEGINDATE", "\"2023-01-09\"")]
    [InlineData("BEGINDATE", "\"09.01.2023\"")]
    [InlineData("BEGINDATE", "\"\"")]
    [InlineData("BEGINDATE", "\"soon\"")]
    [InlineData("DATE_CREATE", "\"2024-09-02T10:15:00+03:00\"")]
    [InlineData("DATE_CREATE", "\"2024-09-02T10:15:00Z\"")]
    [InlineData("DATE_CREATE", "\"2024-09-02T10:15:00.25-05:30\"")]
    [InlineData("DATE_CREATE", "\"2024-09-02 10:15:00\"")]
    [InlineData("DATE_CREATE", "\"2024-02-30T10:15:00+03:00\"")]
    [InlineData("DATE_CREATE", "\"\"")]
    public void Strings_read_the_same_with_and_without_escapes(string field, string json)
    {
        // Every character escaped (\u00XX) sends the value through the document's own unescaping: the plain
        // bytes, read directly, must give the same record (and the same unread fields).
        var plain = Read($$"""{"{{field}}":{{json}}}""");
        var escaped = Read($$"""{"{{field}}":{{EscapeEveryCharacter(json)}}}""");

        Assert.Equal(plain with { AdditionalData = null }, escaped with { AdditionalData = null });
        Assert.Equal(plain.AdditionalData?.Keys, escaped.AdditionalData?.Keys);
    }

    [Fact]
    public void Strings_keep_their_exact_text()
    {
        Assert.Equal("Сделка — Вятка", Read("""{"TITLE":"Сделка — Вятка"}""").Title);
        Assert.Equal("Deal \u2014 A/B \"q\"\t", Read("""{"TITLE":"Deal \u2014 A\/B \"q\"\t"}""").Title);
        Assert.Equal(string.Empty, Read("""{"TITLE":""}""").Title);
        Assert.Equal(" padded ", Read("""{"TITLE":" padded "}""").Title);
        Assert.Equal("1.5e3", Read("""{"TITLE":1.5e3}""").Title);
        Assert.Equal("-0", Read("""{"TITLE":-0}""").Title);
        Assert.Null(Read("""{"TITLE":false}""").Title);
        Assert.Null(Read("""{"TITLE":null}""").Title);
        Assert.True(Read("""{"TITLE":true}""").AdditionalData!.ContainsKey("TITLE"));
        Assert.True(Read("""{"TITLE":{"a":1}}""").AdditionalData!.ContainsKey("TITLE"));
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("-42", -42L)]
    [InlineData("\" 42 \"", 42L)]
    [InlineData("\"-0\"", 0L)]
    [InlineData("true", 1L)]
    [InlineData("false", null)]
    [InlineData("null", null)]
    [InlineData("\"\"", null)]
    [InlineData("[]", null)]
    [InlineData("  42  ", 42L)]
    public void Integers_read_from_every_shape(string json, long? expected)
    {
        var deal = Read($$"""{"ID":{{json}}}""");

        Assert.Equal(expected, deal.Id);
        Assert.Null(deal.AdditionalData);
    }

    [Theory]
    [InlineData("1e3")]
    [InlineData("12.5")]
    [InlineData("9223372036854775808")]
    [InlineData("\"1e3\"")]
    [InlineData("[1]")]
    [InlineData("{}")]
    public void Integers_that_are_not_are_kept_unread(string json)
    {
        var deal = Read($$"""{"ID":{{json}}}""");

        Assert.Null(deal.Id);
        Assert.True(deal.AdditionalData!.ContainsKey("ID"));
    }

    [Theory]
    [InlineData("\"25365.47\"", "25365.47")]
    [InlineData("25365.47", "25365.47")]
    [InlineData("\"-1.5E2\"", "-150")]
    [InlineData("\"+0.10\"", "0.10")]
    [InlineData("\"\"", null)]
    [InlineData("false", null)]
    [InlineData("null", null)]
    public void Money_reads_from_every_shape(string json, string? expected)
    {
        var deal = Read($$"""{"OPPORTUNITY":{{json}}}""");

        Assert.Equal(expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), deal.Opportunity);
        Assert.Null(deal.AdditionalData);
    }

    [Theory]
    [InlineData("0.00")]
    [InlineData("1.50")]
    [InlineData("007.10")]
    [InlineData("25365.47")]
    [InlineData("123456789012345678")]
    [InlineData("1234567890123456789")]
    [InlineData("12345678901234567.8")]
    [InlineData("79228162514264337593543950335")]
    [InlineData("0.0000000000000001")]
    [InlineData("12.")]
    [InlineData(".5")]
    [InlineData("-0.00")]
    public void Money_keeps_the_digits_and_scale_the_portal_sent(string text)
    {
        var expected = decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

        var read = Read($$"""{"OPPORTUNITY":"{{text}}"}""").Opportunity;

        Assert.Equal(expected, read);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), read!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("\"2024-09-02T10:15:00\\u002B03:00\"", 180)]
    [InlineData("\"2024\\u002D09\\u002d02T10:15:00\\u002B03:00\"", 180)]
    [InlineData("\"2024-09-02T10:15:00\\/\"", null)]
    [InlineData("\"2024-09-02T10:15:00\\u002B03:00\\u00e9\"", null)]
    public void Escaped_date_times_read_like_plain_ones(string json, int? offsetMinutes)
    {
        var deal = Read($$"""{"DATE_CREATE":{{json}}}""");

        if (offsetMinutes is { } minutes)
        {
            Assert.Equal(new DateTimeOffset(2024, 9, 2, 10, 15, 0, TimeSpan.FromMinutes(minutes)), deal.DateCreate);
            Assert.Equal(TimeSpan.FromMinutes(minutes), deal.DateCreate!.Value.Offset);
        }
        else
        {
            Assert.Null(deal.DateCreate);
            Assert.True(deal.AdditionalData!.ContainsKey("DATE_CREATE"));
        }
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("\"y\"", true)]
    [InlineData("\"false\"", false)]
    public void Flags_read_from_literals_and_numbers(string json, bool expected)
    {
        Assert.Equal(expected, Read($$"""{"OPENED":{{json}}}""").Opened);
    }

    private static string EscapeEveryCharacter(string json)
    {
        // A JSON string literal with each of its characters (escapes included, as what they stand for) written as \uXXXX.
        using var document = JsonDocument.Parse(json);
        var text = document.RootElement.GetString()!;
        var escaped = new System.Text.StringBuilder("\"");
        foreach (var c in text)
        {
            escaped.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }

        return escaped.Append('"').ToString();
    }

    private static Deal Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Deal.FromJson(document.RootElement);
    }
}
