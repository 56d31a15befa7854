using System.Linq;
using Bitrix.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Bitrix.Generator.Diagnostics;

/// <summary>Turns plain diagnostic data into Roslyn diagnostics at report time.</summary>
internal static class DiagnosticFactory
{
    public static Diagnostic ToDiagnostic(DiagnosticInfo info)
    {
        var position = new LinePosition(System.Math.Max(0, info.Line - 1), System.Math.Max(0, info.Column - 1));
        var location = Location.Create(info.FilePath, default(TextSpan), new LinePositionSpan(position, position));
        return Diagnostic.Create(DiagnosticDescriptors.Get(info.Id), location, info.Arguments.Cast<object>().ToArray());
    }
}
