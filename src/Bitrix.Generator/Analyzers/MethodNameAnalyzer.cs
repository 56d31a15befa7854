using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Bitrix.Generator.Diagnostics;
using Bitrix.Generator.Model;
using Bitrix.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Bitrix.Generator.Analyzers;

/// <summary>
/// Checks the raw escape hatch: a string-literal method name passed to a BitrixClient call (or a
/// BitrixBatch command) that
/// no schema knows, but that is close to one a schema knows, is most likely a typo
/// (<c>crm.deal.lst</c> -> <c>crm.deal.list</c>). Names far from every known method are left alone:
/// the raw calls exist precisely for methods without a schema.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MethodNameAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic property holding the suggested name, for the code fix.</summary>
    public const string SuggestionProperty = "Suggestion";

    private static readonly HashSet<string> CheckedMethods = new(StringComparer.Ordinal)
    {
        "CallAsync", "CallManyAsync", "ListAllAsync", "CallRawAsync", "GetByIdAsync",
    };

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = [DiagnosticDescriptors.UnknownMethodName];

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var client = start.Compilation.GetTypeByMetadataName("Bitrix.BitrixClient");
            var batch = start.Compilation.GetTypeByMetadataName("Bitrix.BitrixBatch");
            if (client is null)
            {
                return;
            }

            var known = KnownMethods(start.Options, start.CancellationToken);
            if (known.Count == 0)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, client, batch, known), OperationKind.Invocation);
        });
    }

    /// <summary>Method names per schema text: the IDE starts a compilation per edit, the schemas rarely change.</summary>
    private static readonly ConditionalWeakTable<SourceText, string[]> MethodsByText = new();

    private static HashSet<string> KnownMethods(AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in options.AdditionalFiles)
        {
            if (SchemaFiles.Classify(file, options.AnalyzerConfigOptionsProvider) is not { } origin || file.GetText(cancellationToken) is not { } text)
            {
                continue;
            }

            var methods = MethodsByText.GetValue(text, t =>
                SchemaParser.Parse(file.Path, t.ToString(), origin, cancellationToken).Entity is EntitySpec entity
                    ? entity.Methods.Select(m => m.Method.ToLowerInvariant()).ToArray()
                    : []);
            known.UnionWith(methods);
        }

        return known;
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol client, INamedTypeSymbol? batch, HashSet<string> known)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var target = invocation.TargetMethod;
        var isClientCall = CheckedMethods.Contains(target.Name) && IsClient(target.ContainingType, client);
        var isBatchAdd = target.Name == "Add" && batch is not null && SymbolEqualityComparer.Default.Equals(target.ContainingType, batch);
        if (!isClientCall && !isBatchAdd)
        {
            return;
        }

        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.Name != "method" || !argument.Value.ConstantValue.HasValue || argument.Value.ConstantValue.Value is not string name)
            {
                continue;
            }

            var lower = name.ToLowerInvariant();
            if (known.Contains(lower) || Closest(lower, known) is not { } suggestion)
            {
                continue;
            }

            var properties = ImmutableDictionary<string, string?>.Empty.Add(SuggestionProperty, suggestion);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownMethodName, argument.Value.Syntax.GetLocation(), properties, name, suggestion));
        }
    }

    private static bool IsClient(INamedTypeSymbol? type, INamedTypeSymbol client)
    {
        for (; type is not null; type = type.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(type, client))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The nearest known name within a small edit distance (2 for names of 8 characters or more, else 1).</summary>
    internal static string? Closest(string name, IEnumerable<string> known)
    {
        var limit = name.Length >= 8 ? 2 : 1;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            if (Math.Abs(candidate.Length - name.Length) > limit)
            {
                continue;
            }

            var distance = Levenshtein.Distance(name, candidate);
            if (distance <= limit && (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0)))
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }
}
