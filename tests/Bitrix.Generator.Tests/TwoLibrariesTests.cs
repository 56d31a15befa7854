using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Bitrix.Generator.Tests;

/// <summary>
/// Two libraries that each use TypedBitrix (with public generated types) go into one app: the typed layer
/// (multifields, filters, results) is the runtime's, so the app sees one <c>Bitrix.Multifield</c>, passes values
/// from one library to the other, and loads and runs both.
/// </summary>
public class TwoLibrariesTests
{
    private const string LibraryA = """
        using Bitrix;
        namespace LibA;
        public static class Contacts
        {
            public static BitrixFilter<Contact> Named(string name) => Contact.Filter.Name == name & Contact.Filter.Id > 5;
            public static Multifield Phone(string number) => new(number, "MOBILE");
            public static Contact Read(string json) => Contact.FromJson(System.Text.Json.JsonDocument.Parse(json).RootElement);
        }
        """;

    private const string LibraryB = """
        using Bitrix;
        namespace LibB;
        public static class Users
        {
            public static BitrixFilter<User> Active() => User.Filter.Active == true;
            public static string Describe(Multifield entry) => entry.ValueType + ":" + entry.Value;
            public static BitrixPage<long> Ids() => new([1, 2], 2, null);
        }
        """;

    private const string App = """
        using Bitrix;
        public static class App
        {
            public static string Run()
            {
                Multifield phone = LibA.Contacts.Phone("+100");
                BitrixFilter<Contact> contacts = LibA.Contacts.Named("Ann") & Contact.Filter.Phone.Like("+1");
                BitrixFilter<User> users = LibB.Users.Active();
                BitrixPage<long> page = LibB.Users.Ids();
                var row = LibA.Contacts.Read("{\"ID\":\"7\",\"PHONE\":[{\"ID\":\"3\",\"VALUE_TYPE\":\"WORK\",\"VALUE\":\"+200\",\"TYPE_ID\":\"PHONE\"}]}");
                return string.Join("|",
                    LibB.Users.Describe(phone),
                    LibB.Users.Describe(row.Phone![0]),
                    contacts.ToString(),
                    users.ToString(),
                    page.Items.Count,
                    typeof(Multifield).Assembly.GetName().Name);
            }
        }
        """;

    [Fact]
    public void Two_libraries_using_TypedBitrix_load_into_one_app_without_type_clashes()
    {
        var a = Library("LibA", "crm.contact.json", LibraryA);
        var b = Library("LibB", "user.json", LibraryB);

        var app = CSharpCompilation.Create(
            "App",
            [CSharpSyntaxTree.ParseText(App, GeneratorHarness.ParseOptions(), "App.cs")],
            [.. GeneratorHarness.References, a.Reference, b.Reference],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var appImage = EmitOrFail(app);

        var context = new AssemblyLoadContext("two-libraries", isCollectible: true);
        try
        {
            context.LoadFromStream(new MemoryStream(a.Image));
            context.LoadFromStream(new MemoryStream(b.Image));
            var result = (string)context.LoadFromStream(new MemoryStream(appImage)).GetType("App", throwOnError: true)!
                .GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!.Invoke(null, null)!;

            Assert.Equal("""MOBILE:+100|WORK:+200|{"=NAME":"Ann",">ID":5,"%PHONE":"+1"}|{"=ACTIVE":"Y"}|2|Bitrix.Runtime""", result);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Generates a schema's code into a library with public types and compiles it with <paramref name="code"/>.</summary>
    private static (MetadataReference Reference, byte[] Image) Library(string name, string schema, string code)
    {
        var outcome = GeneratorHarness.Run([GeneratorHarness.Shipped(schema)], code);
        Expect.None(outcome.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        var compilation = ((CSharpCompilation)outcome.Output).WithAssemblyName(name);
        var image = EmitOrFail(compilation);
        return (MetadataReference.CreateFromImage(image), image);
    }

    private static byte[] EmitOrFail(Compilation compilation)
    {
        Expect.None(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Expect.None(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        return stream.ToArray();
    }
}
