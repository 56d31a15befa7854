using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Model;

namespace Bitrix.Generator.Emit;

/// <summary>
/// Writes the entry points and the API classes between them: <c>bx.Crm.Deal</c> (C# 14 extension
/// properties) or <c>bx.Crm().Deal</c> (extension methods, C# 13 and earlier). Every class on a path
/// is declared here with its constructor and children; entity files add their methods as partials.
/// </summary>
internal static class NavigationEmitter
{
    public const string HintName = "BitrixApi.g.cs";

    public static string Emit(NavigationSpec spec)
    {
        var nodes = new SortedDictionary<string, SortedSet<string>>(System.StringComparer.Ordinal);
        foreach (var path in spec.Paths)
        {
            var segments = path.Split('.');
            for (var i = 0; i < segments.Length; i++)
            {
                var key = string.Join(".", segments, 0, i + 1);
                if (!nodes.ContainsKey(key))
                {
                    nodes[key] = new SortedSet<string>(System.StringComparer.Ordinal);
                }

                if (i > 0)
                {
                    nodes[string.Join(".", segments, 0, i)].Add(segments[i]);
                }
            }
        }

        var access = spec.Settings.Accessibility;
        var w = new SourceWriter();
        w.Lines(SourceWriter.Header);
        w.Open("namespace Bitrix");
        w.Line(spec.Settings.UseExtensionMembers
            ? "/// <summary>Typed entry points on <see cref=\"global::Bitrix.BitrixClient\"/>: <c>bx.Crm.Deal.ListAllAsync(...)</c>.</summary>"
            : "/// <summary>Typed entry points on <see cref=\"global::Bitrix.BitrixClient\"/>: <c>bx.Crm().Deal.ListAllAsync(...)</c> (with C# 14: <c>bx.Crm.Deal</c>).</summary>");
        w.Open($"{access} static partial class BitrixClientApiExtensions");
        var roots = nodes.Keys.Where(k => k.IndexOf('.') < 0).ToList();
        if (spec.Settings.UseExtensionMembers)
        {
            w.Open("extension(global::Bitrix.BitrixClient client)");
            var first = true;
            foreach (var root in roots)
            {
                w.BlankLineBetween(ref first);
                w.Line($"/// <summary>The <c>{root.ToLowerInvariant()}.*</c> methods.</summary>");
                w.Line($"public global::Bitrix.{ClassName(root)} {root} => new(client);");
            }

            w.Close();
        }
        else
        {
            var first = true;
            foreach (var root in roots)
            {
                w.BlankLineBetween(ref first);
                w.Line($"/// <summary>The <c>{root.ToLowerInvariant()}.*</c> methods.</summary>");
                w.Line("/// <param name=\"client\">The client.</param>");
                w.Line($"public static global::Bitrix.{ClassName(root)} {root}(this global::Bitrix.BitrixClient client) => new(client);");
            }
        }

        w.Close();
        foreach (var pair in nodes)
        {
            var name = ClassName(pair.Key);
            w.Line();
            w.Line($"/// <summary>The <c>{pair.Key.ToLowerInvariant()}.*</c> methods of the Bitrix24 REST API.</summary>");
            w.Open($"{access} sealed partial class {name}");
            w.Line("/// <summary>Creates the API over a client.</summary>");
            w.Line("/// <param name=\"client\">The client that sends the calls.</param>");
            w.Open($"public {name}(global::Bitrix.BitrixClient client)");
            w.Line("Client = client ?? throw new global::System.ArgumentNullException(nameof(client));");
            w.Close();
            w.Line();
            w.Line("/// <summary>The client that sends the calls.</summary>");
            w.Line("public global::Bitrix.BitrixClient Client { get; }");
            foreach (var child in pair.Value)
            {
                w.Line();
                w.Line($"/// <summary>The <c>{(pair.Key + "." + child).ToLowerInvariant()}.*</c> methods.</summary>");
                w.Line($"public global::Bitrix.{ClassName(pair.Key + "." + child)} {child} => new(Client);");
            }

            w.Close();
        }

        w.Close();
        return w.ToString();
    }

    public static string ClassName(string path) => path.Replace(".", string.Empty) + "Api";
}
