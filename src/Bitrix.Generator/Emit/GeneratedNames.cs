using Bitrix.Generator.Parsing;

namespace Bitrix.Generator.Emit;

/// <summary>The <c>global::</c>-qualified names the entity emitters write over and over, and the literal of a key the schema may leave out.</summary>
internal static class GeneratedNames
{
    public const string JsonElement = "global::System.Text.Json.JsonElement";
    public const string JsonObject = "global::System.Text.Json.Nodes.JsonObject";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string Value = "global::Bitrix.BitrixValue";
    public const string Support = "global::Bitrix.BitrixApiSupport";

    /// <summary>A C# string literal of the value, or <c>null</c> when there is none.</summary>
    public static string Lit(string? value) => value is null ? "null" : SchemaParser.Literal(value);
}
