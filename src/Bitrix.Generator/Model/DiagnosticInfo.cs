namespace Bitrix.Generator.Model;

/// <summary>
/// A diagnostic as plain data (ID, file, position, message arguments): a <see cref="Microsoft.CodeAnalysis.Diagnostic"/>
/// holds a Location that would break pipeline equality, so it is made only when reported.
/// </summary>
internal sealed record DiagnosticInfo(string Id, string FilePath, int Line, int Column, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(string id, string filePath, int line, int column, params string[] arguments)
        => new(id, filePath, line, column, new EquatableArray<string>(arguments));
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
