using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Bitrix.AspNetCore;

/// <summary>Maps the endpoint Bitrix24 POSTs its outbound events to.</summary>
public static class BitrixEventEndpoints
{
    /// <summary>
    /// Maps <c>POST {pattern}</c> for the portal's events (<c>application/x-www-form-urlencoded</c> with PHP keys:
    /// <c>event</c>, <c>event_handler_id</c>, <c>data[FIELDS][ID]</c>, <c>ts</c>, <c>auth[...]</c>). Each request is
    /// answered 413 when its body exceeds <see cref="BitrixEventOptions.MaxBodyBytes"/>, 415 when it is not a form,
    /// 401 unless <c>auth[application_token]</c> equals one of <see cref="BitrixEventOptions.ApplicationTokens"/>
    /// (compared in constant time), 400 when it is not an event; otherwise <paramref name="handler"/> gets the
    /// typed event (<see cref="BitrixCrmEvent"/> for CRM entities) and the answer is 200 once it returns.
    /// Nothing is handed over for a refused request.
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <param name="pattern">The route, e.g. <c>/bitrix/events</c>: the handler URL given to <c>event.bind</c>.</param>
    /// <param name="handler">Receives each accepted event with the request's cancellation token. An exception is a 500 (the portal does not resend).</param>
    /// <param name="options">The accepted tokens and limits.</param>
    /// <returns>The endpoint's builder, for authorization, rate limiting or metadata.</returns>
    /// <exception cref="ArgumentException">No application token is given, or a limit is not positive.</exception>
    public static IEndpointConventionBuilder MapBitrixEvents(this IEndpointRouteBuilder endpoints, string pattern, Func<BitrixEvent, CancellationToken, Task> handler, BitrixEventOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(options);
        var receiver = new BitrixEventReceiver(options, handler);
        return endpoints.MapPost(pattern, receiver.HandleAsync);
    }
}

/// <summary>The endpoint's work for one request: bound, check, parse, hand over.</summary>
internal sealed class BitrixEventReceiver
{
    private const string FormContentType = "application/x-www-form-urlencoded";

    private readonly byte[][] _tokenHashes;
    private readonly long _maxBodyBytes;
    private readonly Func<BitrixEvent, CancellationToken, Task> _handler;
    private readonly ReplayCache? _replays;

    public BitrixEventReceiver(BitrixEventOptions options, Func<BitrixEvent, CancellationToken, Task> handler)
    {
        if (options.ApplicationTokens.Count == 0 || options.ApplicationTokens.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Give the application token(s) the portal sends in auth[application_token]: an endpoint that accepts any token accepts forged events.", nameof(options));
        }

        if (options.MaxBodyBytes <= 0)
        {
            throw new ArgumentException("MaxBodyBytes must be positive.", nameof(options));
        }

        if (options.ReplayWindow is { } window && window <= TimeSpan.Zero)
        {
            throw new ArgumentException("ReplayWindow must be positive, or null for none.", nameof(options));
        }

        // Hashes of equal length, so that the comparison's time says nothing about the token's length either.
        _tokenHashes = [.. options.ApplicationTokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];
        _maxBodyBytes = options.MaxBodyBytes;
        _handler = handler;
        _replays = options.ReplayWindow is { } w ? new ReplayCache(w, options.TimeProvider) : null;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (request.ContentLength > _maxBodyBytes)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (request.ContentType is not { } contentType || !contentType.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var body = await ReadBoundedAsync(request.Body, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        Dictionary<string, StringValues> form;
        try
        {
            using var reader = new FormReader(Encoding.UTF8.GetString(body));
            form = reader.ReadForm();
        }
        catch (InvalidDataException)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!TokenMatches(form))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var parsed = BitrixEventParser.Parse(form);
        if (parsed is null)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (_replays is not null && !_replays.TryAdd(SHA256.HashData(body)))
        {
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        await _handler(parsed, context.RequestAborted).ConfigureAwait(false);
        response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Compares the sent token's hash with every accepted one, each in constant time, without stopping at a match.</summary>
    private bool TokenMatches(Dictionary<string, StringValues> form)
    {
        if (!form.TryGetValue("auth[application_token]", out var sent) || sent.Count != 1 || string.IsNullOrEmpty(sent[0]))
        {
            return false;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(sent[0]!));
        var matched = false;
        foreach (var accepted in _tokenHashes)
        {
            matched |= CryptographicOperations.FixedTimeEquals(hash, accepted);
        }

        return matched;
    }

    /// <summary>The body, or null once it exceeds the limit (the rest is not read).</summary>
    private async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var copy = new MemoryStream();
            while (true)
            {
                var read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return copy.ToArray();
                }

                if (copy.Length + read > _maxBodyBytes)
                {
                    return null;
                }

                copy.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
