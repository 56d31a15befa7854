namespace Bitrix;

/// <summary>Client-side checks of REST method names, before anything is sent.</summary>
internal static class MethodName
{
    public static string Validate(string? method, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(method))
        {
            throw new ArgumentException("A Bitrix24 method name is required (e.g. 'crm.deal.list').", parameterName);
        }

        foreach (var c in method)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_'))
            {
                throw new ArgumentException($"'{method}' is not a Bitrix24 method name: only letters, digits, '.' and '_' are allowed.", parameterName);
            }
        }

        if (method[0] == '.' || method[^1] == '.' || method.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{method}' is not a Bitrix24 method name: dots separate non-empty parts.", parameterName);
        }

        return method.ToLowerInvariant();
    }

    public static bool IsBatch(string method) => method.Equals("batch", StringComparison.OrdinalIgnoreCase);
}
