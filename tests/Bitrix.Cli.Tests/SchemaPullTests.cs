using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bitrix.Cli.Commands;
using Bitrix.Emulator;

namespace Bitrix.Cli.Tests;

public class SchemaPullTests
{
    private static readonly string ConsumerProject = ChildProcess.Metadata("ConsumerProject");

    private static readonly string Configuration = ChildProcess.Metadata("Configuration");

    /// <summary>
    /// The whole loop a user runs: user fields on the portal → <c>bitrix schema pull</c> → a build of their
    /// project with the pulled schema → the fields are typed properties that write and read back.
    /// </summary>
    [Fact]
    public async Task Pulled_user_fields_become_typed_properties_after_the_next_build()
    {
        await using var emulator = await BitrixEmulator.StartAsync(new EmulatorOptions { Deals = 20, LatencyScale = 0, BucketCapacity = 100_000 });
        await emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.deal", "UF_CRM_COLOR", "enumeration") { Label = "Colour", Items = ["Red", "Green", "Blue"] });
        await emulator.DeclareUserFieldAsync(new UserFieldDeclaration("crm.deal", "UF_CRM_NOTE") { Label = "Note" });
        using var folder = new TempFolder();

        var pull = await Cli.RunAsync("schema", "pull", "--webhook", emulator.WebhookUrl.ToString(), "--entity", "crm.deal", "--out", folder.Path);

        Assert.Equal(0, pull.ExitCode);
        var path = folder.File("crm.deal.bitrix.json");
        Assert.Equal($"wrote {path}: 47 fields, 2 user fields (enumerations UF_CRM_COLOR: 3 items)", pull.Out.Trim());
        var schema = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
        Assert.Equal("Deal", (string?)schema["entity"]);
        Assert.Equal("Crm.Deal", (string?)schema["path"]);
        Assert.Equal("decimal", (string?)schema["fieldTypes"]!["OPPORTUNITY"]);
        Assert.Equal(["Red", "Green", "Blue"], schema["fields"]!["UF_CRM_COLOR"]!["items"]!.AsArray().Select(i => (string)i!["VALUE"]!));

        var (exitCode, output) = await ChildProcess.RunAsync("dotnet", ["build", ConsumerProject, "-c", Configuration, "--disable-build-servers", "-nologo", "-v:q", "-clp:NoSummary;ErrorsOnly"], ("PulledSchemas", folder.Path));
        Assert.True(exitCode == 0, "the consumer project did not build:\n" + output);

        var dll = Path.Combine(Path.GetDirectoryName(ConsumerProject)!, "bin", Configuration, "net10.0", "Consumer.dll");
        (exitCode, output) = await ChildProcess.RunAsync("dotnet", [dll, emulator.WebhookUrl.ToString()]);
        Assert.True(exitCode == 0, output);

        var items = schema["fields"]!["UF_CRM_COLOR"]!["items"]!.AsArray();
        var green = (string)items[1]!["ID"]!;
        var red = (string)items[0]!["ID"]!;
        var id = output.Split(' ')[0]["id=".Length..];
        Assert.Equal($"id={id} color={green} green={green} red={red} note=written by the consumer listed=1", output.Trim());
        var row = (await emulator.GetRowsAsync("crm.deal", [long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)])).Single();
        Assert.Equal(green, row["UF_CRM_COLOR"]?.ToString());
        Assert.Equal("written by the consumer", (string?)row["UF_CRM_NOTE"]);
    }

    [Fact]
    public async Task Enumeration_items_and_labels_missing_from_fields_come_from_the_userfield_list()
    {
        var handler = new AnswerHandler(method => method switch
        {
            "crm.lead.fields" => """{"result":{"ID":{"type":"integer","isReadOnly":true,"title":"ID"},"UF_CRM_SIZE":{"type":"enumeration","isMultiple":false,"isDynamic":true,"title":"UF_CRM_SIZE"}}}""",
            "crm.lead.userfield.list" => """{"result":[{"ID":"7","FIELD_NAME":"UF_CRM_SIZE","USER_TYPE_ID":"enumeration","EDIT_FORM_LABEL":"Size","LIST_COLUMN_LABEL":"Size"}],"total":1}""",
            "crm.lead.userfield.get" => """{"result":{"ID":"7","FIELD_NAME":"UF_CRM_SIZE","LIST":[{"ID":"41","VALUE":"Small"},{"ID":"42","VALUE":"Large"}]}}""",
            _ => null,
        });
        using var http = new HttpClient(handler);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", new BitrixClientOptions { RateLimitStore = new InMemoryRateLimitStore() });

        var pulled = await SchemaPuller.PullAsync(client, "lead", "en", CancellationToken.None);

        Assert.Equal("crm.lead", pulled.Entity);
        var field = JsonNode.Parse(pulled.Json)!["fields"]!["UF_CRM_SIZE"]!;
        Assert.Equal("""[{"ID":"41","VALUE":"Small"},{"ID":"42","VALUE":"Large"}]""", field["items"]!.ToJsonString());
        Assert.Equal("Size", (string?)field["listLabel"]);
        Assert.Equal(["crm.lead.fields", "crm.lead.userfield.list", "crm.lead.userfield.get"], handler.Methods);
        Assert.Contains("\"filter\":{\"LANG\":\"en\"}", handler.Bodies[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entity_without_a_shipped_schema_gets_the_standard_methods()
    {
        var handler = new AnswerHandler(method => method == "crm.quote.fields" ? """{"result":{"ID":{"type":"integer","title":"ID"},"TITLE":{"type":"string","title":"Title"}}}""" : null);
        using var http = new HttpClient(handler);
        await using var client = new BitrixClient(http, "https://portal.example/rest/1/code/", new BitrixClientOptions { RateLimitStore = new InMemoryRateLimitStore() });

        var pulled = await SchemaPuller.PullAsync(client, "crm.quote", "en", CancellationToken.None);

        var schema = JsonNode.Parse(pulled.Json)!;
        Assert.Equal("Quote", (string?)schema["entity"]);
        Assert.Equal("Crm.Quote", (string?)schema["path"]);
        Assert.Equal("crm.quote.list", (string?)schema["methods"]!["list"]!["method"]);
        Assert.Equal("2 fields, 0 user fields", pulled.Summary);
    }


    /// <summary>Answers each REST method with a canned envelope; 404 ERROR_METHOD_NOT_FOUND otherwise.</summary>
    private sealed class AnswerHandler(Func<string, string?> answer) : HttpMessageHandler
    {
        public List<string> Methods { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var method = request.RequestUri!.AbsolutePath.Split('/')[^1].Replace(".json", "", StringComparison.Ordinal);
            Methods.Add(method);
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            var body = answer(method);
            return body is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("""{"error":"ERROR_METHOD_NOT_FOUND","error_description":"Method not found!"}""", Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }
}
