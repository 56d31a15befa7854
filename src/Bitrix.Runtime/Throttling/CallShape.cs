namespace Bitrix.Throttling;

/// <summary>What a request carries: the methods it runs (one, or a batch's commands) and whether all of them are reads.</summary>
internal sealed record CallShape(IReadOnlyCollection<string> Methods, bool IsRead)
{
    public static CallShape Single(string method, MethodKinds kinds) => new([method], kinds.IsRead(method));

    public static CallShape Batch(IEnumerable<string> commandMethods, MethodKinds kinds)
    {
        var methods = commandMethods.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new CallShape(methods, methods.TrueForAll(kinds.IsRead));
    }
}
