using System.Text.Json.Nodes;
using Bitrix.Emulator.Data;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator.Methods;

/// <summary>A method handler: reads parameters, works on the data, returns the <c>result</c> value or throws <see cref="PortalError"/>.</summary>
internal delegate JsonNode? MethodHandler(CallContext context);

/// <summary>What a method handler sees of one call, and what it reports besides its result.</summary>
internal sealed class CallContext
{
    public CallContext(Portal portal, PortalData data, string method, RequestParams parameters, DateTimeOffset now)
    {
        Portal = portal;
        Data = data;
        Method = method;
        Params = parameters;
        Now = now;
    }

    public Portal Portal { get; }

    public PortalData Data { get; }

    public string Method { get; }

    public RequestParams Params { get; }

    public DateTimeOffset Now { get; }

    public CostModel Cost => Portal.Options.Cost;

    /// <summary>Modelled server seconds; null takes the default for the method's verb.</summary>
    public double? ModelledSeconds { get; set; }

    /// <summary><c>next</c> of a list answer.</summary>
    public long? Next { get; set; }

    /// <summary><c>total</c> of a list answer.</summary>
    public long? Total { get; set; }

    /// <summary>Records the paging facts and modelled cost of a list page.</summary>
    public void Paged(ListPage page)
    {
        Next = page.Next;
        Total = page.Total;
        ModelledSeconds = Cost.ListPage(page.Skipped, page.Rows.Count, page.Total, page.Counted);
    }
}
