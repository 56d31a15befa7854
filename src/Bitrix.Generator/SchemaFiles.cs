using System;
using Bitrix.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bitrix.Generator;

/// <summary>Which AdditionalFiles are schemas: the user's <c>*.bitrix.json</c>, and those the package marks as shipped.</summary>
internal static class SchemaFiles
{
    /// <summary>The item metadata the package's props file sets on the schemas it ships.</summary>
    public const string OriginMetadata = "build_metadata.AdditionalFiles.TypedBitrixSchema";

    public const string UserSuffix = ".bitrix.json";

    public static SchemaOrigin? Classify(AdditionalText file, AnalyzerConfigOptionsProvider options)
    {
        if (file.Path.EndsWith(UserSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return SchemaOrigin.User;
        }

        if (options.GetOptions(file).TryGetValue(OriginMetadata, out var origin) && string.Equals(origin, "shipped", StringComparison.OrdinalIgnoreCase))
        {
            return SchemaOrigin.Shipped;
        }

        return null;
    }
}
