using System.Globalization;
using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>
/// <c>crm.deal.contact.*</c>: the contacts bound to a deal. Links changed here live in
/// <see cref="PortalData.DealContacts"/> and are mirrored into the deal's CONTACT_ID (the primary
/// contact) and CONTACT_IDS, so legacy and crm.item reads agree. A deal whose contacts were last
/// written elsewhere is read from its CONTACT_IDS.
/// </summary>
internal static class DealContactMethods
{
    public static void Register(MethodRegistry registry)
    {
        registry.Add("crm.deal.contact.fields", _ => EntityCatalog.Load("crm.deal.contact.fields").ToFieldsAnswer());
        registry.Add("crm.deal.contact.items.get", ItemsGet);
        registry.Add("crm.deal.contact.items.set", ItemsSet);
        registry.Add("crm.deal.contact.items.delete", ItemsDelete);
        registry.Add("crm.deal.contact.add", ContactAdd);
        registry.Add("crm.deal.contact.delete", ContactDelete);
    }

    /// <summary>The bindings as a list; like the portal, no <c>total</c>.</summary>
    private static JsonNode ItemsGet(CallContext context)
    {
        var deal = FindDeal(context, quoted: false);
        return new JsonArray([.. Bindings(context.Data, deal).Select(b => b.DeepClone())]);
    }

    private static JsonNode ItemsSet(CallContext context)
    {
        var deal = FindDeal(context, quoted: false);
        var items = context.Params["items"];
        if (items is not (JsonArray or JsonObject))
        {
            throw PortalError.Legacy("The parameter items must be array.");
        }

        var bindings = new List<JsonObject>();
        var index = 0;
        foreach (var entry in JsonValues.AsList(items))
        {
            var item = JsonValues.AsObject(entry) is { } obj ? new RequestParams(obj) : null;
            var contactId = item?.GetLong("CONTACT_ID") ?? 0;
            index++;
            if (contactId <= 0 || bindings.Any(b => ContactOf(b) == contactId))
            {
                continue;
            }

            bindings.Add(Binding(contactId, item!.GetLong("SORT") ?? index * 10, JsonValues.IsYes(item["IS_PRIMARY"])));
        }

        Save(context.Data, deal, bindings);
        return true;
    }

    private static JsonNode ItemsDelete(CallContext context)
    {
        var deal = FindDeal(context, quoted: false);
        Save(context.Data, deal, []);
        return true;
    }

    /// <summary>Binds one contact; false when it is bound already. The first binding, or one marked so, becomes primary.</summary>
    private static JsonNode ContactAdd(CallContext context)
    {
        var deal = FindDeal(context, quoted: true);
        var fields = LinkFields(context, "fields");
        var contactId = fields.GetLong("CONTACT_ID") ?? 0;
        if (contactId <= 0)
        {
            throw PortalError.Legacy("The parameter 'fields' is not valid.");
        }

        var bindings = Bindings(context.Data, deal);
        if (bindings.Any(b => ContactOf(b) == contactId))
        {
            return false;
        }

        var sort = fields.GetLong("SORT") ?? (bindings.Count == 0 ? 10 : bindings.Max(b => (long?)b["SORT"] ?? 0) + 10);
        var primary = JsonValues.IsYes(fields["IS_PRIMARY"]);
        if (primary)
        {
            foreach (var binding in bindings)
            {
                binding["IS_PRIMARY"] = "N";
            }
        }

        bindings.Add(Binding(contactId, sort, primary));
        Save(context.Data, deal, bindings);
        return true;
    }

    /// <summary>Unbinds one contact; false when it was not bound. A removed primary hands the role to the next binding.</summary>
    private static JsonNode ContactDelete(CallContext context)
    {
        var deal = FindDeal(context, quoted: true);
        var fields = LinkFields(context, "item");
        var contactId = fields.GetLong("CONTACT_ID") ?? 0;
        if (contactId <= 0)
        {
            throw PortalError.Legacy("The parameter 'fields' is not valid.");
        }

        var bindings = Bindings(context.Data, deal);
        if (bindings.RemoveAll(b => ContactOf(b) == contactId) == 0)
        {
            return false;
        }

        foreach (var binding in bindings)
        {
            binding["IS_PRIMARY"] = "N";
        }

        Save(context.Data, deal, bindings);
        return true;
    }

    private static Row FindDeal(CallContext context, bool quoted)
    {
        var id = context.Params.GetLong("id");
        if (id is null or <= 0)
        {
            throw PortalError.Legacy(quoted ? "The parameter 'ownerEntityID' is invalid or not defined." : "The parameter ownerEntityID is invalid or not defined.");
        }

        return context.Data.Deals.Find(id.Value) ?? throw PortalError.Legacy("Not found.");
    }

    private static RequestParams LinkFields(CallContext context, string name)
        => context.Params.GetObject("fields") is { } fields
            ? new RequestParams(fields)
            : throw PortalError.Legacy($"The parameter '{name}' must be array.");

    private static long ContactOf(JsonObject binding) => (long?)binding["CONTACT_ID"] ?? 0;

    private static JsonObject Binding(long contactId, long sort, bool primary) => new()
    {
        ["CONTACT_ID"] = contactId,
        ["SORT"] = sort,
        ["ROLE_ID"] = 0,
        ["IS_PRIMARY"] = primary ? "Y" : "N",
    };

    /// <summary>
    /// The deal's current bindings (copies). Stored bindings are used while they still name the
    /// deal's CONTACT_IDS; otherwise the deal was rebound through crm.deal.update or crm.item.update.
    /// </summary>
    private static List<JsonObject> Bindings(PortalData data, Row deal)
    {
        var contactIds = DealContactIds(data.Deals, deal);
        if (data.DealContacts.TryGetValue(deal.Id, out var stored) && stored.Select(ContactOf).Order().SequenceEqual(contactIds.Order()))
        {
            return [.. stored.Select(b => (JsonObject)b.DeepClone())];
        }

        return [.. contactIds.Select((id, i) => Binding(id, (i + 1) * 10, i == 0))];
    }

    private static List<long> DealContactIds(EntityTable deals, Row deal)
    {
        IReadOnlyList<string> ids = deals.GetValue(deal, "CONTACT_IDS") switch
        {
            IReadOnlyList<string> list => list,
            string one => [one],
            _ => [],
        };
        if (ids.Count == 0 && deals.GetValue(deal, "CONTACT_ID") is string single)
        {
            ids = [single];
        }

        var result = new List<long>();
        foreach (var text in ids)
        {
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 && !result.Contains(id))
            {
                result.Add(id);
            }
        }

        return result;
    }

    /// <summary>Orders by SORT, settles the one primary binding and mirrors the result into the deal row.</summary>
    private static void Save(PortalData data, Row deal, List<JsonObject> bindings)
    {
        var ordered = bindings.OrderBy(b => (long?)b["SORT"] ?? 0).ToList();
        var primary = ordered.FirstOrDefault(b => (string?)b["IS_PRIMARY"] == "Y") ?? ordered.FirstOrDefault();
        foreach (var binding in ordered)
        {
            binding["IS_PRIMARY"] = ReferenceEquals(binding, primary) ? "Y" : "N";
        }

        data.DealContacts[deal.Id] = ordered;
        var values = data.Deals.Materialise(deal);
        var ids = ordered.Select(b => ContactOf(b).ToString(CultureInfo.InvariantCulture)).ToArray();
        values["CONTACT_IDS"] = ids;
        values["CONTACT_ID"] = primary is null ? "0" : ContactOf(primary).ToString(CultureInfo.InvariantCulture);
    }
}
