using Bitrix.Batching;
using static Bitrix.Listing.Lister;

namespace Bitrix.Listing;

/// <summary>The one request both cursors start with: the snapshot range, its lowest and highest IDs and the count.</summary>
internal static class CursorProbe
{
    /// <summary>The first IDs of the range from each end and its bounds; null when the list is empty.</summary>
    public static async Task<(List<long?> LowIds, List<long?> HighIds, long Low, long High)?> ReadAsync(BatchSender batches, ListRun run, CancellationToken cancellationToken)
    {
        var query = run.Query;

        // One request finds the snapshot: lowest ID with the count, and highest ID.
        var probes = await SendPagesAsync(
            batches,
            BatchMode.ResendRefused,
            [
                new PackedCommand("low", run.Method, query.Probe(descending: false, count: true)),
                new PackedCommand("high", run.Method, query.Probe(descending: true, count: false)),
            ],
            cancellationToken).ConfigureAwait(false);
        run.Requests++;
        run.Observer?.Probed(probes.Values.Select(p => p.Time));
        var lowIds = ProbeIds(run, probes, "low");
        var highIds = ProbeIds(run, probes, "high");
        long? low = lowIds.Count > 0 ? lowIds[0] : null;
        long? high = highIds.Count > 0 ? highIds[0] : null;
        run.ExpectedTotal = probes.GetValueOrDefault("low")?.Total;
        return low is null || high is null ? null : (lowIds, highIds, low.Value, high.Value);
    }

    /// <summary>The IDs of a probe page in its order; empty when the list is, cut at the first row without an ID.</summary>
    private static List<long?> ProbeIds(ListRun run, Dictionary<string, CommandOutcome> probes, string name)
    {
        if (!probes.TryGetValue(name, out var outcome))
        {
            throw new BitrixException(BitrixErrorCodes.InvalidResponse, "The probe of the ID range got no answer.", null, run.Method, name);
        }

        if (outcome.Error is { } error)
        {
            throw error.ToException(run.Method, name);
        }

        var ids = new List<long?>();
        foreach (var row in ListMethodProfile.Rows(outcome.Result!.Value, run.Query.Profile.WrapperKey))
        {
            var id = run.Query.Profile.IdOf(row);
            ids.Add(id);
            if (id is null)
            {
                break;
            }
        }

        return ids;
    }
}
