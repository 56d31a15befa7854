using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Bitrix;

/// <summary>
/// Where a change feed stands: rows modified at or after <see cref="Since"/> are read next time;
/// the (ID, modification time) pairs already delivered inside the overlap are remembered so they
/// are not handed out again; an interrupted read can be resumed. Store it as JSON
/// (<see cref="ToJson"/>, <see cref="Parse"/>) between runs.
/// </summary>
public sealed record SyncCheckpoint
{
    private static readonly IReadOnlyDictionary<long, DateTimeOffset> NoRows = new Dictionary<long, DateTimeOffset>();

    /// <summary>The start: every row, whatever its modification time.</summary>
    public static SyncCheckpoint Beginning { get; } = new();

    /// <summary>Rows modified at or after this instant are read; null: every row.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>
    /// Rows in <see cref="Seen"/> modified before this instant (the portal's second when the read
    /// began) were delivered in that very version and are skipped when read again. Later ones may
    /// hide another write in the same second and are delivered again (counted as repeats).
    /// </summary>
    public DateTimeOffset? DedupeBefore { get; init; }

    /// <summary>Modification times of the rows delivered at or after <see cref="Since"/>, by ID.</summary>
    public IReadOnlyDictionary<long, DateTimeOffset> Seen { get; init; } = NoRows;

    /// <summary>A read that was interrupted: it is continued rather than started over.</summary>
    public SyncResume? Resume { get; init; }

    /// <summary>A checkpoint that reads rows modified at or after <paramref name="since"/>.</summary>
    public static SyncCheckpoint From(DateTimeOffset since) => new() { Since = since };

    /// <summary>The checkpoint as compact JSON.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            WriteDate(writer, "since", Since);
            WriteDate(writer, "dedupeBefore", DedupeBefore);
            WriteSeen(writer, "seen", Seen);
            if (Resume is { } resume)
            {
                writer.WriteStartObject("resume");
                WriteDate(writer, "startedAt", resume.StartedAt);
                writer.WriteNumber("afterId", resume.AfterId);
                WriteSeen(writer, "seen", resume.Seen);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads a checkpoint written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a checkpoint.</exception>
    public static SyncCheckpoint Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("A sync checkpoint is a JSON object.");
            }

            SyncResume? resume = null;
            if (root.TryGetProperty("resume", out var r) && r.ValueKind == JsonValueKind.Object)
            {
                resume = new SyncResume
                {
                    StartedAt = ReadDate(r, "startedAt"),
                    AfterId = r.TryGetProperty("afterId", out var after) && after.TryGetInt64(out var a) ? a : throw new FormatException("A resumed sync checkpoint needs afterId."),
                    Seen = ReadSeen(r, "seen"),
                };
            }

            return new SyncCheckpoint
            {
                Since = ReadDate(root, "since"),
                DedupeBefore = ReadDate(root, "dedupeBefore"),
                Seen = ReadSeen(root, "seen"),
                Resume = resume,
            };
        }
        catch (JsonException e)
        {
            throw new FormatException("A sync checkpoint must be JSON: " + e.Message, e);
        }
    }

    private static void WriteDate(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            writer.WriteString(name, v.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        }
    }

    private static void WriteSeen(Utf8JsonWriter writer, string name, IReadOnlyDictionary<long, DateTimeOffset> seen)
    {
        writer.WriteStartObject(name);
        foreach (var (id, modified) in seen.OrderBy(p => p.Key))
        {
            writer.WriteString(id.ToString(CultureInfo.InvariantCulture), modified.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
    }

    private static DateTimeOffset? ReadDate(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new FormatException($"'{name}' of a sync checkpoint is not a date.");
    }

    private static Dictionary<long, DateTimeOffset> ReadSeen(JsonElement obj, string name)
    {
        var seen = new Dictionary<long, DateTimeOffset>();
        if (!obj.TryGetProperty(name, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            return seen;
        }

        foreach (var p in map.EnumerateObject())
        {
            if (!long.TryParse(p.Name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) || ReadDate(map, p.Name) is not { } modified)
            {
                throw new FormatException($"'{name}' of a sync checkpoint maps IDs to dates.");
            }

            seen[id] = modified;
        }

        return seen;
    }
}

/// <summary>An interrupted read of a change feed: where to continue it.</summary>
public sealed record SyncResume
{
    /// <summary>The portal's second when the interrupted read began; the next checkpoint is taken from it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Rows up to this ID were delivered; the read continues after it.</summary>
    public long AfterId { get; init; }

    /// <summary>What the interrupted read delivered inside the next overlap, by ID.</summary>
    public IReadOnlyDictionary<long, DateTimeOffset> Seen { get; init; } = new Dictionary<long, DateTimeOffset>();
}
