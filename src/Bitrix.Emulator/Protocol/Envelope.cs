using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;

namespace Bitrix.Emulator.Protocol;

/// <summary>Facts for the <c>time</c> object of an answer or of one batch command.</summary>
internal readonly record struct TimeInfo(DateTimeOffset Start, double Processing, double? Operating, long? OperatingResetAt);

/// <summary>Writes the portal's response envelopes (docs/protocol.md §2).</summary>
internal static class Envelope
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Time(TimeInfo info)
    {
        var start = info.Start;
        var finish = start.AddSeconds(info.Processing);
        var time = new JsonObject
        {
            ["start"] = Unix(start),
            ["finish"] = Unix(finish),
            ["duration"] = Math.Round(info.Processing + 0.00002, 6),
            ["processing"] = Math.Round(info.Processing, 6),
            ["date_start"] = SeedData.FormatDateTime(start),
            ["date_finish"] = SeedData.FormatDateTime(finish),
        };
        if (info.OperatingResetAt is { } resetAt)
        {
            time["operating_reset_at"] = resetAt;
        }

        if (info.Operating is { } operating)
        {
            time["operating"] = Math.Round(operating, 6);
        }

        return time;
    }

    private static double Unix(DateTimeOffset t) => Math.Round(t.ToUnixTimeMilliseconds() / 1000.0 + (t.Ticks % TimeSpan.TicksPerMillisecond) / 1e7, 6);

    public static byte[] Success(JsonNode? result, long? next, long? total, TimeInfo time)
    {
        var root = new JsonObject { ["result"] = result };
        if (next is { } n)
        {
            root["next"] = n;
        }

        if (total is { } t)
        {
            root["total"] = t;
        }

        root["time"] = Time(time);
        return Serialize(root);
    }

    public static byte[] Error(string code, string description)
        => Serialize(new JsonObject { ["error"] = code, ["error_description"] = description });

    public static byte[] Serialize(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            node.WriteTo(writer);
        }

        // The writer escapes only what JSON requires; the portal escapes far more (see PortalJsonEscaping).
        return PortalJsonEscaping.Apply(buffer.ToArray());
    }

    /// <summary>
    /// PHP's <c>json_encode</c> of an associative array: <c>[]</c> when empty, a list when the
    /// keys are 0..n-1 in order, an object otherwise.
    /// </summary>
    public static JsonNode PhpMap(IReadOnlyList<KeyValuePair<string, JsonNode?>> entries)
    {
        var isList = true;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key != i.ToString(CultureInfo.InvariantCulture))
            {
                isList = false;
                break;
            }
        }

        if (isList)
        {
            var list = new JsonArray();
            foreach (var entry in entries)
            {
                list.Add(entry.Value);
            }

            return list;
        }

        var obj = new JsonObject();
        foreach (var entry in entries)
        {
            obj[entry.Key] = entry.Value;
        }

        return obj;
    }
}
