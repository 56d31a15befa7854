using System.Text.Json.Nodes;
using Bitrix.Emulator.Protocol;

namespace Bitrix.Emulator;

/// <summary>The control endpoints (<c>/_emulator/*</c>) and the OAuth token endpoint.</summary>
internal sealed partial class Portal
{
    private async Task<EmulatorResponse> HandleControlAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var action = request.Path["/_emulator/".Length..].Trim('/').ToLowerInvariant();
        var values = await RequestDecoder.DecodeAsync(request, cancellationToken).ConfigureAwait(false);
        var parameters = new RequestParams(values);
        var isPost = request.HttpMethod.Equals("POST", StringComparison.OrdinalIgnoreCase);
        switch (action)
        {
            case "stats":
                return Json(200, StatsJson(Snapshot()));
            case "reset" when isPost:
                IdLayout? layout = null;
                if ((parameters.GetString("idLayout") ?? parameters.GetString("id_layout")) is { } layoutName)
                {
                    if (!Bitrix.Emulator.Data.IdLayouts.TryParse(layoutName, out var parsed))
                    {
                        return Json(400, new JsonObject { ["error"] = "INVALID_ID_LAYOUT", ["error_description"] = "idLayout takes dense, gaps, blocks or adversarial" });
                    }

                    layout = parsed;
                }

                Reset(layout);
                return Json(200, new JsonObject { ["result"] = true });
            case "ids":
                var entity = parameters.GetString("entity") ?? "crm.deal";
                var ids = Locked(data => data.FindTable(entity)?.Ids.ToArray());
                if (ids is null)
                {
                    return Json(400, new JsonObject { ["error"] = "UNKNOWN_ENTITY", ["error_description"] = $"no entity '{entity}'" });
                }

                var list = new JsonArray();
                foreach (var id in ids)
                {
                    list.Add((JsonNode)id);
                }

                return Json(200, new JsonObject { ["entity"] = entity, ["count"] = ids.Length, ["ids"] = list });
            case "oauth/tokens" when isPost:
                var tokens = Tokens.Issue();
                return Json(200, new JsonObject
                {
                    ["access_token"] = tokens.AccessToken,
                    ["refresh_token"] = tokens.RefreshToken,
                    ["expires"] = tokens.ExpiresAt.ToUnixTimeSeconds(),
                    ["client_id"] = Options.OAuthClientId,
                    ["client_secret"] = Options.OAuthClientSecret,
                });
            case "oauth/expire" when isPost:
                Tokens.ExpireAll();
                return Json(200, new JsonObject { ["result"] = true });
            case "userfield" when isPost:
                try
                {
                    var declared = DeclareUserField(UserFieldRequest.From(parameters));
                    return Json(200, new JsonObject { ["result"] = declared });
                }
                catch (ArgumentException e)
                {
                    return Json(400, new JsonObject { ["error"] = "INVALID_USERFIELD", ["error_description"] = e.Message });
                }

            default:
                return Json(404, new JsonObject { ["error"] = "NOT_FOUND", ["error_description"] = "unknown control endpoint" });
        }
    }

    private static EmulatorResponse Json(int status, JsonNode node) => EmulatorResponse.Json(status, Envelope.Serialize(node));

    internal static JsonObject StatsJson(EmulatorStats stats)
    {
        var byStatus = new JsonObject();
        foreach (var (status, count) in stats.AnswersByStatus)
        {
            byStatus[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = count;
        }

        var faults = new JsonObject();
        foreach (var (kind, count) in stats.Faults)
        {
            faults[kind.ToString()] = count;
        }

        var calls = new JsonObject();
        foreach (var (method, count) in stats.CallsByMethod)
        {
            calls[method] = count;
        }

        var operating = new JsonObject();
        foreach (var (method, seconds) in stats.OperatingSecondsByMethod)
        {
            operating[method] = Math.Round(seconds, 6);
        }

        var counts = new JsonObject();
        foreach (var (entity, count) in stats.EntityCounts)
        {
            counts[entity] = count;
        }

        var maxIds = new JsonObject();
        foreach (var (entity, id) in stats.MaxIds)
        {
            maxIds[entity] = id;
        }

        return new JsonObject
        {
            ["requests"] = stats.Requests,
            ["answersByStatus"] = byStatus,
            ["rejected503"] = stats.Rejected503,
            ["rejected429"] = stats.Rejected429,
            ["faults"] = faults,
            ["callsByMethod"] = calls,
            ["operatingSecondsByMethod"] = operating,
            ["bucketLevel"] = Math.Round(stats.BucketLevel, 6),
            ["entityCounts"] = counts,
            ["maxIds"] = maxIds,
            ["mutationInserts"] = stats.MutationInserts,
            ["mutationDeletes"] = stats.MutationDeletes,
            ["mutationModifies"] = stats.MutationModifies,
            ["tokenRefreshes"] = stats.TokenRefreshes,
            ["internalFailures"] = stats.InternalFailures,
            ["lastInternalFailure"] = stats.LastInternalFailure,
        };
    }

    /// <summary>
    /// <c>/oauth/token/</c> with <c>grant_type=refresh_token</c> (GET query, as oauth.bitrix.info,
    /// or POST form, as b24jssdk). Errors: invalid_request, invalid_client (401), invalid_grant (400).
    /// </summary>
    private async Task<EmulatorResponse> HandleTokenAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var parameters = new RequestParams(await RequestDecoder.DecodeAsync(request, cancellationToken).ConfigureAwait(false));
        var grant = parameters.GetString("grant_type");
        var clientId = parameters.GetString("client_id");
        var clientSecret = parameters.GetString("client_secret");
        var refreshToken = parameters.GetString("refresh_token");
        if (grant != "refresh_token" || string.IsNullOrEmpty(refreshToken) || string.IsNullOrEmpty(clientId))
        {
            return Json(400, new JsonObject { ["error"] = "invalid_request", ["error_description"] = "Invalid request" });
        }

        if (clientId != Options.OAuthClientId || clientSecret != Options.OAuthClientSecret)
        {
            return Json(401, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Invalid client" });
        }

        var tokens = Tokens.Refresh(refreshToken);
        if (tokens is null)
        {
            return Json(400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "Invalid grant" });
        }

        Stats.Refreshed();
        var endpoint = new Uri(request.BaseAddress, "/rest/").ToString();
        return Json(200, new JsonObject
        {
            ["access_token"] = tokens.AccessToken,
            ["expires"] = tokens.ExpiresAt.ToUnixTimeSeconds(),
            ["expires_in"] = (long)Options.AccessTokenLifetime.TotalSeconds,
            ["scope"] = "crm,task,user,department",
            ["domain"] = request.BaseAddress.Authority,
            ["server_endpoint"] = endpoint,
            ["status"] = "L",
            ["client_endpoint"] = endpoint,
            ["member_id"] = "a223c6b3710f85df22e9377d6c4f7553",
            ["user_id"] = WebhookUserId,
            ["refresh_token"] = tokens.RefreshToken,
        });
    }
}
