using System.Text.Json;

namespace Bitrix;

/// <summary>A whole success envelope: <c>result</c>, paging facts and <c>time</c>.</summary>
public sealed record BitrixResponse
{
    /// <summary>Creates a response.</summary>
    public BitrixResponse(JsonElement result, long? total, long? next, BitrixTime? time)
    {
        Result = result;
        Total = total;
        Next = next;
        Time = time;
    }

    /// <summary>The <c>result</c> value (detached from any document).</summary>
    public JsonElement Result { get; }

    /// <summary><c>total</c> of a list answer, when present.</summary>
    public long? Total { get; }

    /// <summary><c>next</c> offset of a list answer, present while more rows remain.</summary>
    public long? Next { get; }

    /// <summary>The <c>time</c> object, when present.</summary>
    public BitrixTime? Time { get; }
}
