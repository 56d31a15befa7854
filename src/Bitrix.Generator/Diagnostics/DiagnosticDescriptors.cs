using Microsoft.CodeAnalysis;

namespace Bitrix.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator, its analyzer and its code fix know. IDs are stable: never reuse one.
/// The IDs are written here and nowhere else; everything else refers to a descriptor (or its <c>Id</c>).
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string SchemaCategory = "TypedBitrix.Schema";
    private const string UsageCategory = "TypedBitrix.Usage";

    public static readonly DiagnosticDescriptor InvalidJson = new(
        "BTX0001", "Schema file is not valid JSON", "Schema file is not valid JSON: {0}",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "A schema file must be one JSON object. No entity is generated from this file until it parses.");

    public static readonly DiagnosticDescriptor MissingProperty = new(
        "BTX0002", "Schema lacks a required property", "{0} lacks the required property '{1}'",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor WrongType = new(
        "BTX0003", "Schema property has the wrong kind of value", "'{0}' must be {1}, but it is {2}",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownProperty = new(
        "BTX0004", "Unknown schema property", "Unknown property '{0}' in {1} is ignored{2}",
        SchemaCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidField = new(
        "BTX0005", "Invalid field definition", "Field '{0}' is skipped: {1}",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownFieldType = new(
        "BTX0006", "Field type without a typed mapping", "Field '{0}' has type '{1}', which has no typed mapping; it is read as JsonElement",
        SchemaCategory, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidTypeOverride = new(
        "BTX0007", "Invalid field type override", "Type override '{0}': {1}",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor IdentifierRenamed = new(
        "BTX0008", "Name mapped to a different C# identifier", "'{0}' is generated as '{1}': {2}",
        SchemaCategory, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateEntity = new(
        "BTX0009", "Two schemas define the same entity", "{0} '{1}' is already defined by '{2}'; this schema is not generated",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SchemaReplaced = new(
        "BTX0010", "User schema replaces a shipped schema", "Entity '{0}' comes from the user schema '{1}', which replaces the shipped schema '{2}'",
        SchemaCategory, DiagnosticSeverity.Info, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidMethod = new(
        "BTX0011", "Invalid method definition", "Method '{0}' is skipped: {1}",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidIdKey = new(
        "BTX0012", "ID key is not a field", "The ID key '{0}' is not a field of the catalog; rows are read without a typed ID",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidName = new(
        "BTX0013", "Invalid C# name in schema", "'{0}' is not a valid {1}; '{2}' is used instead",
        SchemaCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EmptyCatalog = new(
        "BTX0014", "Schema has no fields", "The field catalog of '{0}' has no usable fields",
        SchemaCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownReadOnlyField = new(
        "BTX0015", "Read-only name is not a field", "readOnlyFields names '{0}', which is not a field of the catalog",
        SchemaCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MissingRuntime = new(
        "BTX0016", "Bitrix.Runtime is not referenced", "The TypedBitrix generator found schemas but no reference to Bitrix.Runtime, which the generated code needs; nothing is generated",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GeneratorFailure = new(
        "BTX0099", "Generator failure", "The TypedBitrix generator failed on this schema: {0}",
        SchemaCategory, DiagnosticSeverity.Error, isEnabledByDefault: true,
        description: "An internal error; please report it with the schema file.");

    public static readonly DiagnosticDescriptor UnknownMethodName = new(
        "BTX1001", "Unknown Bitrix24 method name", "No schema knows the method '{0}'; did you mean '{1}'?",
        UsageCategory, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        description: "A string-literal method name passed to a raw BitrixClient call is close to, but not, a method that a schema describes.");
}
