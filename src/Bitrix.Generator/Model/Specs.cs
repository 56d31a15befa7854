namespace Bitrix.Generator.Model;

/// <summary>How a field's value is typed in C#.</summary>
internal enum ValueKind
{
    Int64,
    Decimal,
    Double,
    String,
    Boolean,
    Date,
    DateTime,
    Multifield,
    Json,
}

/// <summary>Which filter operators a field accepts; each maps to a generated filter-field type.</summary>
internal enum FilterKind
{
    /// <summary>Not filterable through the typed builder (JSON values, multifields): use Filter.Raw.</summary>
    None,
    Int64,
    Decimal,
    Double,
    Date,
    DateTime,
    Boolean,

    /// <summary>Free text: equality, IN and LIKE.</summary>
    Text,

    /// <summary>Codes and IDs as strings (crm_status, crm_currency): equality and IN only, no LIKE.</summary>
    Code,
}

/// <summary>One named value of an enumeration field.</summary>
internal sealed record EnumItemSpec(string Name, string Literal, string Title);

/// <summary>One field of an entity: wire names, C# name and type, flags and docs.</summary>
internal sealed record FieldSpec(
    string WireName,
    string RowKey,
    string PropertyName,
    string Title,
    string SourceType,
    ValueKind Kind,
    FilterKind Filter,
    bool IsMultiple,
    bool IsReadOnly,
    bool IsRequired,
    bool IsImmutable,
    bool IsDeprecated,
    string? StatusType,
    string? ValuesClassName,
    EquatableArray<EnumItemSpec> Items);

/// <summary>The kinds of methods; the standard ones have fixed C# shapes.</summary>
internal enum MethodKind
{
    List,
    Get,
    Add,
    Update,
    Delete,
    Fields,
    Call,
}

/// <summary>What a custom method returns.</summary>
internal enum ResultKind
{
    Rows,
    Row,
    Id,
    Bool,
    Json,
    Void,
}

/// <summary>The C# type of a method parameter.</summary>
internal enum ParameterType
{
    Int64,
    String,
    Boolean,
    Json,
    Fields,
    Rows,
    Ids,
}

/// <summary>A parameter of a method: wire key, C# name, type; a fixed value (a C# literal) is always sent and is not a C# parameter.</summary>
internal sealed record ParameterSpec(string Key, string CSharpName, ParameterType Type, bool IsRequired, string Description, string? FixedValue = null);

/// <summary>A REST method of an entity and how its parameters and answer are shaped.</summary>
internal sealed record MethodSpec(
    MethodKind Kind,
    string CSharpName,
    string Method,
    bool IsRead,
    string IdParameter,
    string? FieldsParameter,
    string? ResultKey,
    string? FilterParameter,
    string? OrderParameter,
    bool SortOrderStyle,
    string? SelectParameter,
    bool FirstRow,
    ResultKind Result,
    EquatableArray<ParameterSpec> Parameters,
    string Description);

/// <summary>Everything the emitter needs to write one entity's file. Holds no Roslyn objects.</summary>
internal sealed record EntitySpec(
    string Name,
    string FieldsClassName,
    string ApiClassName,
    EquatableArray<string> Path,
    string SourceFile,
    string Title,
    string IdKey,
    string IdRowKey,
    bool IdIsString,
    string? WrapperKey,
    string? ItemKey,
    EquatableArray<FieldSpec> Fields,
    EquatableArray<MethodSpec> Methods,
    EquatableArray<ParameterSpec> CommonParameters);
