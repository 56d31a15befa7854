namespace Bitrix.Export;

/// <summary>Keeps the latest <see cref="ListProgress"/> for the renderer to read (reports arrive on the reader's threads).</summary>
internal sealed class ProgressSink : IProgress<ListProgress>
{
    private ListProgress? _latest;

    public ListProgress? Latest => Volatile.Read(ref _latest);

    public void Report(ListProgress value) => Volatile.Write(ref _latest, value);
}
