using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Bitrix.Export;

/// <summary>
/// The rows of a CRM entity read through the typed API the generator made from the shipped schemas
/// (<c>bx.Crm.Deal.ListAllAsync(filter, select, ...)</c>): each row is a typed record, handed on in the
/// portal's shape by <c>ToJson()</c> (typed values: numbers as numbers, dates as ISO text, multifields as lists).
/// </summary>
internal static class TypedSource
{
    public static IAsyncEnumerable<JsonObject> ListAsync(BitrixClient bx, string entity, IReadOnlyList<FilterCondition> filters, IReadOnlyList<string>? select, ListOptions options, CancellationToken cancellationToken) => entity switch
    {
        "deal" => Rows(bx.Crm.Deal.ListAllAsync(Where(filters, Deal.Filter.Raw), Fields(select, Deal.Field.Raw), null, options, cancellationToken), static r => r.ToJson(), cancellationToken),
        "lead" => Rows(bx.Crm.Lead.ListAllAsync(Where(filters, Lead.Filter.Raw), Fields(select, Lead.Field.Raw), null, options, cancellationToken), static r => r.ToJson(), cancellationToken),
        "contact" => Rows(bx.Crm.Contact.ListAllAsync(Where(filters, Contact.Filter.Raw), Fields(select, Contact.Field.Raw), null, options, cancellationToken), static r => r.ToJson(), cancellationToken),
        "company" => Rows(bx.Crm.Company.ListAllAsync(Where(filters, Company.Filter.Raw), Fields(select, Company.Field.Raw), null, options, cancellationToken), static r => r.ToJson(), cancellationToken),
        _ => throw new CliException($"unknown entity '{entity}': expected {string.Join(", ", CrmEntities.Names)}"),
    };

    /// <summary>The portal's live field catalog of the entity (<c>crm.deal.fields</c>): names and types, user fields included.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> FieldsAsync(BitrixClient bx, string entity, CancellationToken cancellationToken)
    {
        var catalog = entity switch
        {
            "deal" => await bx.Crm.Deal.FieldsAsync(cancellationToken).ConfigureAwait(false),
            "lead" => await bx.Crm.Lead.FieldsAsync(cancellationToken).ConfigureAwait(false),
            "contact" => await bx.Crm.Contact.FieldsAsync(cancellationToken).ConfigureAwait(false),
            "company" => await bx.Crm.Company.FieldsAsync(cancellationToken).ConfigureAwait(false),
            _ => throw new CliException($"unknown entity '{entity}': expected {string.Join(", ", CrmEntities.Names)}"),
        };
        return catalog.Values.ToDictionary(f => f.Name, f => f.Type, StringComparer.Ordinal);
    }

    private static BitrixFilter<T>? Where<T>(IReadOnlyList<FilterCondition> conditions, Func<string, string, JsonNode?, BitrixFilter<T>> raw)
    {
        BitrixFilter<T>? filter = null;
        foreach (var c in conditions)
        {
            var term = raw(c.Field, c.Operator, c.Value?.DeepClone());
            filter = filter is null ? term : filter & term;
        }

        return filter;
    }

    private static BitrixField<T>[]? Fields<T>(IReadOnlyList<string>? select, Func<string, BitrixField<T>> raw)
        => select is null ? null : [.. select.Select(raw)];

    private static async IAsyncEnumerable<JsonObject> Rows<T>(IAsyncEnumerable<T> rows, Func<T, JsonObject> toJson, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return toJson(row);
        }
    }
}
