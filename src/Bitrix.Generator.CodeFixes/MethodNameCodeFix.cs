using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Bitrix.Generator.CodeFixes;

/// <summary>BTX1001: replaces a mistyped method name with the known method the analyzer suggests.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MethodNameCodeFix))]
[Shared]
public sealed class MethodNameCodeFix : CodeFixProvider
{
    /// <summary>The analyzer's diagnostic ID and the property carrying its suggestion (see MethodNameAnalyzer).</summary>
    private const string DiagnosticId = "BTX1001";
    private const string SuggestionProperty = "Suggestion";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticId];

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(SuggestionProperty, out var suggestion) || suggestion is null
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use '{suggestion}'",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(
                        literal,
                        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion)).WithTriviaFrom(literal)))),
                    equivalenceKey: DiagnosticId + ":" + suggestion),
                diagnostic);
        }
    }
}
