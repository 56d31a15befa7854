using System;
using System.Collections.Generic;
using System.Linq;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Emit;
using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Bitrix.Generator;

/// <summary>
/// Generates typed Bitrix24 entities and methods from schema files given as AdditionalFiles.
/// Each schema is parsed on its own; an entity's file depends only on its schema and on the
/// names other schemas claim, so editing one schema re-emits one entity.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class BitrixGenerator : IIncrementalGenerator
{
    /// <summary>The MSBuild property that makes the generated types internal.</summary>
    public const string AccessibilityProperty = "build_property.TypedBitrixAccessibility";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Generated code compiles onto Bitrix.Runtime; without it, one clear error beats hundreds of missing types.
        var hasRuntime = context.MetadataReferencesProvider
            .Where(static reference => IsRuntime(reference))
            .Collect()
            .Select(static (references, _) => references.Length > 0);

        var settings = context.ParseOptionsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Combine(hasRuntime)
            .Select(static (pair, _) => ReadSettings(pair.Left.Left, pair.Left.Right.GlobalOptions.TryGetValue(AccessibilityProperty, out var a) ? a : null, pair.Right))
            .WithTrackingName(TrackingNames.Settings);

        var files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => SchemaFiles.Classify(pair.Left, pair.Right) is { } origin ? (pair.Left, Origin: origin) : (null, Origin: default))
            .Where(static file => file.Left is not null)
            .WithTrackingName(TrackingNames.SchemaFiles);

        var parsed = files
            .Select(static (file, ct) => SchemaParser.Parse(file.Left!.Path, file.Left.GetText(ct)?.ToString() ?? string.Empty, file.Origin, ct))
            .WithTrackingName(TrackingNames.ParsedSchemas);

        var identities = parsed
            .Select(static (schema, _) => schema.Identity is { } id ? new IdentityEntry(id, schema.Entity!.Path) : null)
            .Where(static id => id is not null)
            .Collect()
            .Select(static (all, _) => new EquatableArray<IdentityEntry>(all.Select(a => a!).OrderBy(a => a.Identity.FilePath, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.Identities);

        var entities = parsed
            .Combine(identities)
            .Combine(settings)
            .Select(static (pair, _) => Decide(pair.Left.Left, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.Entities);

        var navigation = identities
            .Combine(settings)
            .Select(static (pair, _) => new NavigationSpec(
                new EquatableArray<string>(Winners(pair.Left).Where(e => e.Path.Count > 0).Select(e => string.Join(".", e.Path)).Distinct().OrderBy(p => p, StringComparer.Ordinal)),
                pair.Right))
            .WithTrackingName(TrackingNames.Navigation);

        context.RegisterSourceOutput(parsed, static (spc, schema) =>
        {
            foreach (var d in schema.Diagnostics)
            {
                spc.ReportDiagnostic(d.CreateDiagnostic());
            }
        });

        context.RegisterSourceOutput(entities, static (spc, output) =>
        {
            foreach (var d in output.Diagnostics)
            {
                spc.ReportDiagnostic(d.CreateDiagnostic());
            }

            if (output.Entity is { } entity && output.Settings.HasRuntime)
            {
                spc.AddSource(EntityEmitter.HintName(entity), SourceText.From(EntityEmitter.Emit(entity, output.Settings), System.Text.Encoding.UTF8));
            }
        });

        context.RegisterSourceOutput(navigation, static (spc, nav) =>
        {
            if (nav.Paths.Count == 0)
            {
                return;
            }

            if (!nav.Settings.HasRuntime)
            {
                spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MissingRuntime, Location.None));
                return;
            }

            spc.AddSource(NavigationEmitter.HintName, SourceText.From(NavigationEmitter.Emit(nav), System.Text.Encoding.UTF8));
        });
    }

    private static bool IsRuntime(MetadataReference reference)
        => reference.Display is { } display && string.Equals(System.IO.Path.GetFileNameWithoutExtension(display), "Bitrix.Runtime", StringComparison.OrdinalIgnoreCase);

    internal static GeneratorSettings ReadSettings(ParseOptions options, string? accessibility, bool hasRuntime)
    {
        var version = options is CSharpParseOptions cs ? cs.LanguageVersion : LanguageVersion.Default;

        // C# 14 brought extension properties. With "preview", ask whether this compiler knows C# 14 at all.
        var extensionMembers = version == LanguageVersion.Preview
            ? Enum.IsDefined(typeof(LanguageVersion), 1400)
            : (int)version >= 1400 && version != LanguageVersion.Latest && version != LanguageVersion.LatestMajor;
        var access = string.Equals(accessibility?.Trim(), "internal", StringComparison.OrdinalIgnoreCase) ? "internal" : "public";
        return new GeneratorSettings(extensionMembers, access, hasRuntime);
    }

    /// <summary>The entities that are generated: a user schema beats a shipped one of the same name; otherwise the first file wins.</summary>
    private static IEnumerable<IdentityEntry> Winners(EquatableArray<IdentityEntry> all)
    {
        var byName = new Dictionary<string, IdentityEntry>(StringComparer.Ordinal);
        var byPath = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in all.OrderBy(e => e.Identity.Origin == SchemaOrigin.User ? 0 : 1))
        {
            if (byName.ContainsKey(entry.Identity.Name) || (entry.Path.Count > 0 && !byPath.Add(string.Join(".", entry.Path))))
            {
                continue;
            }

            byName[entry.Identity.Name] = entry;
        }

        return byName.Values;
    }

    private static EntityOutput Decide(ParsedSchema schema, EquatableArray<IdentityEntry> all, GeneratorSettings settings)
    {
        if (schema.Entity is not { } entity)
        {
            return new EntityOutput(null, settings, EquatableArray<DiagnosticInfo>.Empty);
        }

        var winners = Winners(all).ToList();
        var path = string.Join(".", entity.Path);
        var diagnostics = new List<DiagnosticInfo>();
        var won = winners.Any(w => w.Identity.FilePath == schema.FilePath);
        if (!won)
        {
            var byName = winners.FirstOrDefault(w => w.Identity.Name == entity.Name);
            if (byName is not null && byName.Identity.Origin == SchemaOrigin.User && schema.Origin == SchemaOrigin.Shipped)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SchemaReplaced, byName.Identity.FilePath, 1, 1, entity.Name, byName.Identity.FilePath, schema.FilePath));
            }
            else if (byName is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEntity, schema.FilePath, 1, 1, "Entity", entity.Name, byName.Identity.FilePath));
            }
            else
            {
                var byPath = winners.First(w => string.Join(".", w.Path) == path);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEntity, schema.FilePath, 1, 1, "API path", path, byPath.Identity.FilePath));
            }

            return new EntityOutput(null, settings, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        return new EntityOutput(entity, settings, EquatableArray<DiagnosticInfo>.Empty);
    }
}

/// <summary>An entity's identity and API path, collected across schemas to settle duplicates.</summary>
internal sealed record IdentityEntry(EntityIdentity Identity, EquatableArray<string> Path);
