namespace Bitrix.Generator;

/// <summary>Names of the pipeline steps, so tests can check what ran and what was cached.</summary>
internal static class TrackingNames
{
    public const string Settings = nameof(Settings);
    public const string SchemaFiles = nameof(SchemaFiles);
    public const string ParsedSchemas = nameof(ParsedSchemas);
    public const string Identities = nameof(Identities);
    public const string Entities = nameof(Entities);
    public const string Navigation = nameof(Navigation);
}
