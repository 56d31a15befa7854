using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bitrix.Listing;

namespace Bitrix;

/// <summary>
/// The rows modified at or after a checkpoint, streamed in ID order, and the checkpoint to store
/// for the next run. The read filters on the modification time and walks IDs with the cursor, so
/// no row is skipped however many share a second or change meanwhile: a row changed after its
/// page was read carries a modification time at or after the portal's start of this read, which
/// is where the next checkpoint begins (less <see cref="ChangeOptions.Overlap"/>). A feed can be
/// enumerated once.
/// </summary>
public sealed class ChangeFeed : IAsyncEnumerable<JsonElement>
{
    private readonly Lister _lister;
    private readonly string _method;
    private readonly SyncCheckpoint _since;
    private readonly JsonObject? _parameters;
    private readonly ChangeOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly ListMethodProfile _profile;
    private readonly string _modifiedField;
    private readonly string _modifiedKey;
    private readonly Dictionary<long, DateTimeOffset> _seen;
    private DateTimeOffset? _startedAt;
    private long? _lastId;
    private SyncCheckpoint? _next;
    private int _enumerated;

    internal ChangeFeed(Lister lister, string method, SyncCheckpoint since, JsonObject? parameters, ChangeOptions options, CancellationToken cancellationToken)
    {
        if (options.Strategy is ListStrategy.Offset)
        {
            throw new ArgumentException("Changes are read with an ID cursor; offsets give no position to resume from. Use ListStrategy.ParallelCursor, ChainedCursor or Auto.", nameof(options));
        }

        if (options.Strategy is ListStrategy.ParallelCursor && since.Since is not null)
        {
            throw new ArgumentException("The parallel cursor ends each ID piece at the number of rows it counted, and rows enter a modification-time filter while it reads: it would skip rows. Changes since a checkpoint are read with ListStrategy.ChainedCursor (or Auto).", nameof(options));
        }

        if (options.Overlap < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The overlap cannot be negative.");
        }

        if (parameters is not null && parameters.Any(p => p.Key.Equals("order", StringComparison.OrdinalIgnoreCase) || p.Key.Equals("start", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException("Changes are read in ID order from the start; leave 'order' and 'start' out of the parameters.", nameof(parameters));
        }

        _lister = lister;
        _method = method;
        _since = since;
        _parameters = parameters;
        _options = options;
        _cancellationToken = cancellationToken;
        _profile = ListMethodProfile.For(method, new ListOptions { IdKey = options.IdKey, WrapperKey = options.WrapperKey });
        (_modifiedField, _modifiedKey) = ModifiedFieldOf(method, options);
        _seen = since.Resume is { } resume ? new Dictionary<long, DateTimeOffset>(resume.Seen) : [];
        _startedAt = since.Resume?.StartedAt;
        _lastId = since.Resume?.AfterId;
    }

    /// <summary>Rows handed out.</summary>
    public long Delivered { get; private set; }

    /// <summary>
    /// Rows handed out that an earlier run had already delivered with the same modification time:
    /// ones stamped in or after the second that run began, which may hide a later write.
    /// </summary>
    public long Repeats { get; private set; }

    /// <summary>Rows read again inside the overlap and not handed out, their version already delivered.</summary>
    public long SkippedDuplicates { get; private set; }

    /// <summary>The whole read finished; <see cref="Checkpoint"/> is then the start of the next run.</summary>
    public bool Completed => _next is not null;

    /// <summary>
    /// The checkpoint to store: before enumeration the one given; while rows arrive one that resumes
    /// after the last row handed out; once complete the start of the next run.
    /// </summary>
    public SyncCheckpoint Checkpoint
    {
        get
        {
            if (_next is { } next)
            {
                return next;
            }

            if (_lastId is not { } last)
            {
                return _since;
            }

            lock (_seen)
            {
                return _since with { Resume = new SyncResume { StartedAt = _startedAt, AfterId = last, Seen = new Dictionary<long, DateTimeOffset>(_seen) } };
            }
        }
    }

    /// <summary>
    /// The same feed with its rows read into <typeparamref name="T"/> by <paramref name="read"/>
    /// (a generated entity's <c>FromJson</c>): enumerate one or the other, once.
    /// </summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="read">Reads one row.</param>
    public ChangeFeed<T> As<T>(Func<JsonElement, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return new ChangeFeed<T>(this, read);
    }

    /// <inheritdoc/>
    public IAsyncEnumerator<JsonElement> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) == 1)
        {
            throw new InvalidOperationException("A change feed is read once; start the next one from its Checkpoint.");
        }

        return ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
    }

    private async IAsyncEnumerable<JsonElement> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellationToken);
        var observer = new ListObserver();
        var clientStart = DateTimeOffset.UtcNow;
        var listOptions = new ListOptions
        {
            // Without a modification-time filter rows can only leave an ID range, and the parallel
            // cursor's counted pieces stay exact; with one, edited rows enter ranges already
            // counted, and only the chained cursor, which walks to the end of the range, is exact.
            Strategy = _options.Strategy != ListStrategy.Auto ? _options.Strategy : _since.Since is null ? ListStrategy.ParallelCursor : ListStrategy.ChainedCursor,
            IdKey = _options.IdKey,
            WrapperKey = _options.WrapperKey,
            Progress = _options.Progress,
        };
        await foreach (var row in _lister.ListAsync(_method, PageParameters(), listOptions, linked.Token, observer).ConfigureAwait(false))
        {
            if (_startedAt is null)
            {
                // The portal's clock stamps the rows; the client's is a fallback for portals that send no time.
                var fallback = clientStart.AddTicks(-(clientStart.Ticks % TimeSpan.TicksPerSecond));
                _startedAt = observer.PortalStart ?? fallback;
            }

            var id = _profile.IdOf(row);
            var modified = ModifiedOf(row);
            var deliver = true;
            if (id is { } key && modified is { } m && _since.Seen.TryGetValue(key, out var before) && before == m)
            {
                if (_since.DedupeBefore is { } dedupe && m < dedupe)
                {
                    deliver = false;
                    SkippedDuplicates++;
                }
                else
                {
                    Repeats++;
                }
            }

            if (id is { } rowId && modified is { } at && at >= NextSince(_startedAt.Value))
            {
                lock (_seen)
                {
                    _seen[rowId] = at;
                }
            }

            // The position moves before the row is handed out: a caller that stores the checkpoint
            // after handling a row resumes after it.
            _lastId = id ?? _lastId;
            if (deliver)
            {
                Delivered++;
                yield return row;
            }
        }

        var startedAt = _startedAt ?? observer.PortalStart ?? clientStart.AddTicks(-(clientStart.Ticks % TimeSpan.TicksPerSecond));
        var since = NextSince(startedAt);
        Dictionary<long, DateTimeOffset> seen;
        lock (_seen)
        {
            seen = _seen.Where(p => p.Value >= since).ToDictionary(p => p.Key, p => p.Value);
        }

        _next = new SyncCheckpoint { Since = since, DedupeBefore = startedAt, Seen = seen };
    }

    private DateTimeOffset NextSince(DateTimeOffset startedAt)
    {
        var since = startedAt - _options.Overlap;

        // Never behind the checkpoint this run started from: nothing older can have changed unseen.
        return _since.Since is { } previous && since < previous ? previous : since;
    }

    private JsonObject PageParameters()
    {
        var page = _parameters is null ? [] : (JsonObject)_parameters.DeepClone();
        var filterKey = page.Select(p => p.Key).FirstOrDefault(k => k.Equals("filter", StringComparison.OrdinalIgnoreCase)) ?? "filter";
        var filter = page[filterKey] as JsonObject ?? [];
        page[filterKey] = filter;
        if (_since.Since is { } since)
        {
            filter[">=" + _modifiedField] = since.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        if (_lastId is { } after)
        {
            var key = ">" + _profile.FilterIdKey;
            var own = filter[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : (long?)null;
            filter[key] = Math.Max(own ?? after, after);
        }

        if (page.Select(p => p.Key).FirstOrDefault(k => k.Equals("select", StringComparison.OrdinalIgnoreCase)) is { } selectKey
            && page[selectKey] is JsonArray select
            && !select.Any(s => s is JsonValue sv && sv.TryGetValue<string>(out var name) && (name == "*" || name.Equals(_modifiedField, StringComparison.OrdinalIgnoreCase) || name.Equals(_modifiedKey, StringComparison.OrdinalIgnoreCase))))
        {
            select.Add((JsonNode)JsonValue.Create(_modifiedField));
        }

        return page;
    }

    private DateTimeOffset? ModifiedOf(JsonElement row)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var found = row.TryGetProperty(_modifiedKey, out var value) || row.TryGetProperty(_modifiedField, out value);
        return found && value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at : null;
    }

    private static (string Field, string Key) ModifiedFieldOf(string method, ChangeOptions options)
    {
        var (field, key) = method.ToLowerInvariant() switch
        {
            "crm.item.list" => ("updatedTime", "updatedTime"),
            "tasks.task.list" => ("CHANGED_DATE", "changedDate"),
            _ => ("DATE_MODIFY", "DATE_MODIFY"),
        };
        field = options.ModifiedField ?? field;
        return (field, options.ModifiedKey ?? (options.ModifiedField is null ? key : options.ModifiedField));
    }
}
