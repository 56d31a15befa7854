using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Export;

namespace Bitrix.Cli.Commands;

/// <summary><c>bitrix call METHOD [key=value ...]</c>: one raw REST call, its result printed as JSON.</summary>
internal static class CallCommand
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext context)
    {
        var method = new Argument<string>("method") { Description = "The REST method: crm.deal.get, crm.deal.list, user.current, ..." };
        var parameters = new Argument<string[]>("parameters")
        {
            Description = "key=value in PHP style (filter[>ID]=5, select[]=ID, fields[TITLE]=Hi), key:=JSON (fields[OPPORTUNITY]:=100.5) or a JSON object",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var webhook = ExportCommand.WebhookOption("The portal's inbound webhook URL [default: env BITRIX_WEBHOOK]");
        var envelope = new Option<bool>("--envelope") { Description = "Print result, total, next and time, not just the result" };
        var command = new Command("call", "Call one REST method and print its result as JSON.") { method, parameters, webhook, envelope };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var body = CallParameters.Parse(parsed.GetValue(parameters) ?? []);
            var url = context.ResolveWebhook(parsed.GetValue(webhook)) ?? throw new CliException("no portal given: pass --webhook https://PORTAL/rest/USER_ID/CODE/ or set BITRIX_WEBHOOK");
            var client = context.CreateClient(url);
            await using (client.ConfigureAwait(false))
            {
                var response = await client.CallRawAsync(parsed.GetRequiredValue(method), body, cancellationToken).ConfigureAwait(false);
                JsonNode? output = JsonNode.Parse(response.Result.GetRawText());
                if (parsed.GetValue(envelope))
                {
                    output = new JsonObject
                    {
                        ["result"] = output,
                        ["total"] = response.Total,
                        ["next"] = response.Next,
                        ["time"] = response.Time is { } time
                            ? new JsonObject
                            {
                                ["start"] = time.Start,
                                ["finish"] = time.Finish,
                                ["duration"] = time.Duration,
                                ["processing"] = time.Processing,
                                ["operating"] = time.Operating,
                                ["operating_reset_at"] = time.OperatingResetAt?.ToUnixTimeSeconds(),
                            }
                            : null,
                    };
                }

                await context.Out.WriteLineAsync(output?.ToJsonString(Pretty) ?? "null").ConfigureAwait(false);
                await context.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }
        });
        return command;
    }
}
