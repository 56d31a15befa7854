namespace Bitrix.Export;

/// <summary>A failure whose message is already the one line to show the user.</summary>
public sealed class CliException : Exception
{
    /// <summary>A failure with the line to show.</summary>
    public CliException(string message)
        : base(message)
    {
    }

    /// <summary>A failure with the line to show and its cause.</summary>
    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An empty failure (for serializers and analyzers).</summary>
    public CliException()
    {
    }
}
