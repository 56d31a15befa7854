using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Tests;

internal static class Expect
{
    /// <summary>Fails listing every diagnostic (the first 40) when there are any.</summary>
    public static void None(IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics.ToList();
        if (list.Count > 0)
        {
            Assert.Fail($"{list.Count} diagnostics:\n" + string.Join("\n", list.Take(40).Select(d => d.ToString())));
        }
    }
}
