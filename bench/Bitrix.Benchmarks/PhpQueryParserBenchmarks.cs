using BenchmarkDotNet.Attributes;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Benchmarks;

/// <summary>
/// <see cref="PhpQueryParser"/> runs once per batch command and once per form body, so a batch
/// of 50 pays it 50 times per request.
/// </summary>
[MemoryDiagnoser]
public class PhpQueryParserBenchmarks
{
    /// <summary>A cursor-export page as the REST docs write batch commands: PHP keys, nothing encoded.</summary>
    private const string BatchCommand =
        "filter[>ID]=123456&filter[STAGE_ID]=WON&filter[@CATEGORY_ID][]=0&filter[@CATEGORY_ID][]=2"
        + "&order[ID]=ASC&select[]=ID&select[]=TITLE&select[]=STAGE_ID&select[]=OPPORTUNITY&select[]=UF_CRM_1700000000&start=-1";

    /// <summary>The same command as <c>@bitrix24/b24jssdk</c> (qs.stringify) sends it: brackets percent-encoded, indexed lists.</summary>
    private const string BatchCommandEncoded =
        "filter%5B%3EID%5D=123456&filter%5BSTAGE_ID%5D=WON&filter%5B%40CATEGORY_ID%5D%5B0%5D=0&filter%5B%40CATEGORY_ID%5D%5B1%5D=2"
        + "&order%5BID%5D=ASC&select%5B0%5D=ID&select%5B1%5D=TITLE&select%5B2%5D=STAGE_ID&select%5B3%5D=OPPORTUNITY&select%5B4%5D=UF_CRM_1700000000&start=-1";

    /// <summary>A form-encoded <c>crm.contact.add</c> with multifields, as PHP clients post it.</summary>
    private const string FormBody =
        "fields%5BNAME%5D=%D0%98%D0%B2%D0%B0%D0%BD&fields%5BLAST_NAME%5D=Petrov&fields%5BOPENED%5D=Y&fields%5BASSIGNED_BY_ID%5D=1"
        + "&fields%5BPHONE%5D%5B0%5D%5BVALUE%5D=%2B7+999+000-11-22&fields%5BPHONE%5D%5B0%5D%5BVALUE_TYPE%5D=WORK"
        + "&fields%5BEMAIL%5D%5B0%5D%5BVALUE%5D=ivan%40example.com&fields%5BEMAIL%5D%5B0%5D%5BVALUE_TYPE%5D=WORK&params%5BREGISTER_SONET_EVENT%5D=Y";

    [Benchmark(Baseline = true)]
    public int BatchCommandPlain() => PhpQueryParser.Parse(BatchCommand).Count;

    [Benchmark]
    public int BatchCommandPercentEncoded() => PhpQueryParser.Parse(BatchCommandEncoded).Count;

    [Benchmark]
    public int FormBodyWithMultifields() => PhpQueryParser.Parse(FormBody).Count;
}
