namespace Bitrix.Transport;

/// <summary>
/// Marks an answer refused for its size or nesting depth: asking again brings the same answer,
/// so a read is not retried; a write's outcome stays unknown (it may have run).
/// </summary>
internal sealed class AnswerOverLimitException(string message) : Exception(message);
