using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Bitrix.Generator.Model;

/// <summary>
/// A diagnostic as pipeline data: its descriptor, where it stands (as plain values) and its message
/// arguments. A <see cref="Diagnostic"/> holds a <see cref="Location"/> that would break pipeline
/// equality, so it is made only when reported. Two infos are equal when their descriptors share an ID
/// and their positions and arguments match.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, string filePath, int line, int column, params string[] arguments)
        => new(descriptor, new LocationInfo(filePath, line, column), new EquatableArray<string>(arguments));

    public Diagnostic CreateDiagnostic()
        => Diagnostic.Create(Descriptor, Location.ToLocation(), Arguments.Cast<object>().ToArray());

    public bool Equals(DiagnosticInfo? other)
        => other is not null
            && string.Equals(Descriptor.Id, other.Descriptor.Id, System.StringComparison.Ordinal)
            && Location.Equals(other.Location)
            && Arguments.Equals(other.Arguments);

    public override int GetHashCode()
        => unchecked((((System.StringComparer.Ordinal.GetHashCode(Descriptor.Id) * 31) + Location.GetHashCode()) * 31) + Arguments.GetHashCode());
}

/// <summary>A position in a schema file (1-based line and column), kept as values so that it caches.</summary>
internal readonly record struct LocationInfo(string FilePath, int Line, int Column)
{
    public Location ToLocation()
    {
        var position = new LinePosition(System.Math.Max(0, Line - 1), System.Math.Max(0, Column - 1));
        return Microsoft.CodeAnalysis.Location.Create(FilePath, default, new LinePositionSpan(position, position));
    }
}

/// <summary>Which schema an entity came from: shipped with the package or the user's own (<c>*.bitrix.json</c>).</summary>
internal enum SchemaOrigin
{
    Shipped,
    User,
}

/// <summary>The result of parsing one schema file: its entity (when usable) and its diagnostics.</summary>
internal sealed record ParsedSchema(string FilePath, SchemaOrigin Origin, EntitySpec? Entity, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public EntityIdentity? Identity => Entity is null ? null : new EntityIdentity(Entity.Name, FilePath, Origin);
}

/// <summary>The name an entity claims and where it comes from, to settle duplicates and replacements.</summary>
internal sealed record EntityIdentity(string Name, string FilePath, SchemaOrigin Origin);

/// <summary>Options that shape every generated file.</summary>
internal sealed record GeneratorSettings(bool UseExtensionMembers, string Accessibility, bool HasRuntime);

/// <summary>An entity to write (or not), with the diagnostics its competition with other schemas produced.</summary>
internal sealed record EntityOutput(EntitySpec? Entity, GeneratorSettings Settings, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The navigation tree: every API path that some entity occupies.</summary>
internal sealed record NavigationSpec(EquatableArray<string> Paths, GeneratorSettings Settings);
