namespace Bitrix.Throttling;

/// <summary>
/// Which calls are reads. Reads may be resent after any failure; everything else is a write and is
/// resent only when the server proved it did not run it.
/// </summary>
internal sealed class MethodKinds
{
    private static readonly string[] ReadSuffixes = [".list", ".get", ".fields", ".getlist", ".getfields", ".current", ".getlist", ".search"];
    private readonly HashSet<string> _extraReads;

    public MethodKinds(IEnumerable<string> extraReads) => _extraReads = new HashSet<string>(extraReads, StringComparer.OrdinalIgnoreCase);

    public bool IsRead(string method)
    {
        if (_extraReads.Contains(method))
        {
            return true;
        }

        foreach (var suffix in ReadSuffixes)
        {
            if (method.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
