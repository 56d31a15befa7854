namespace Bitrix.Emulator;

/// <summary>A smart process (a user-defined CRM type) to declare on the emulated portal.</summary>
/// <param name="Title">The type's title, as <c>crm.type.list</c> shows it.</param>
public sealed record SmartProcessDeclaration(string Title)
{
    /// <summary>The entityTypeId: an even number of at least 1030, or 128–192; the next free one from 1030 when null.</summary>
    public long? EntityTypeId { get; init; }

    /// <summary>The type's symbolic code.</summary>
    public string Code { get; init; } = string.Empty;

    /// <summary>Whether custom stages and the kanban are enabled (<c>isStagesEnabled</c>).</summary>
    public bool IsStagesEnabled { get; init; } = true;

    /// <summary>The funnels (categories), the first being the default; more than one turns <c>isCategoriesEnabled</c> on. Empty: one default funnel named "General".</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
}
