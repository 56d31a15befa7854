namespace Bitrix.Runtime.Tests.Infrastructure;

/// <summary>Files copied next to the test assembly (see the csproj).</summary>
public static class TestFiles
{
    public static string RealResponses => Path.Combine(AppContext.BaseDirectory, "fixtures", "real-responses");

    public static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Encoding", name);
}
