using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Services;

namespace VaultCopy.Emulator.Control;

/// <summary>
/// The unsigned JSON control API under <c>/_emulator/</c> (endpoints: README "Control API"). It never answers on
/// "/" or any other path an AWS SDK could reach, and never returns a secret or a session token.
/// </summary>
internal sealed class ControlApi(EmulatorServer server)
{
    public const string Prefix = "/_emulator";

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static bool Owns(PathString path) => path.StartsWithSegments(Prefix, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value!.TrimEnd('/');
        string method = context.Request.Method;
        try
        {
            JsonNode? result = (method, path) switch
            {
                ("GET", Prefix + "/health") => Health(),
                ("POST", Prefix + "/reset") => Reset(),
                ("POST", Prefix + "/fixture") => LoadFixture(await ReadBodyAsync(context).ConfigureAwait(false)),
                ("GET", Prefix + "/state") => State(),
                ("GET", Prefix + "/calls") => Calls(),
                ("POST", Prefix + "/calls/reset") => ResetCalls(),
                ("GET", Prefix + "/clock") => Clock(),
                ("POST", Prefix + "/clock") => SetClock(await ReadObjectAsync(context).ConfigureAwait(false)),
                ("GET", Prefix + "/settings") => Settings(),
                ("POST", Prefix + "/settings") => SetSettings(await ReadObjectAsync(context).ConfigureAwait(false)),
                ("GET", Prefix + "/faults") => Faults(),
                ("POST", Prefix + "/faults") => AddFault(await ReadObjectAsync(context).ConfigureAwait(false)),
                ("DELETE", Prefix + "/faults") => ClearFaults(),
                _ => throw new ControlException(404, $"No control endpoint {method} {path}. See tests/VaultCopy.Emulator/README.md."),
            };
            await WriteAsync(context, 200, result).ConfigureAwait(false);
        }
        catch (ControlException ex)
        {
            await WriteAsync(context, ex.Status, new JsonObject { ["error"] = ex.Message }).ConfigureAwait(false);
        }
        catch (FixtureException ex)
        {
            await WriteAsync(context, 400, new JsonObject { ["error"] = ex.Message }).ConfigureAwait(false);
        }
    }

    private JsonObject Health()
    {
        lock (server.World.Sync)
        {
            return new JsonObject
            {
                ["status"] = "ok",
                ["url"] = server.BaseUri.ToString().TrimEnd('/'),
                ["accounts"] = server.World.Accounts.Count,
                ["services"] = new JsonArray(ServiceRegistry.Services.Select(s => (JsonNode?)s.SigningName).ToArray()),
                ["time"] = Time(server.Clock.UtcNow),
            };
        }
    }

    private JsonObject Reset()
    {
        server.Reset();
        return new JsonObject { ["status"] = "reset", ["accounts"] = server.World.Accounts.Count };
    }

    private JsonObject LoadFixture(string json)
    {
        server.LoadFixture(json);
        return new JsonObject { ["status"] = "loaded", ["accounts"] = server.World.Accounts.Count };
    }

    private JsonObject State()
    {
        var world = server.World;
        var now = server.Clock.UtcNow;
        lock (world.Sync)
        {
            var accounts = new JsonArray();
            foreach (var account in world.Accounts.Values.OrderBy(a => a.Id, StringComparer.Ordinal))
            {
                accounts.Add(DescribeAccount(account));
            }

            var sessions = new JsonArray();
            foreach (var session in world.Sessions.Values.OrderBy(s => s.IssuedAt))
            {
                sessions.Add(new JsonObject
                {
                    ["accessKeyId"] = session.AccessKeyId,
                    ["arn"] = session.Arn,
                    ["roleArn"] = session.RoleArn,
                    ["sessionName"] = session.SessionName,
                    ["assumedBy"] = session.AssumedBy,
                    ["issuedAt"] = Time(session.IssuedAt),
                    ["expiration"] = Time(session.Expiration),
                    ["expired"] = now >= session.Expiration,
                    ["chained"] = session.IsChained,
                    ["sourceIdentity"] = session.SourceIdentity,
                    ["hasSessionPolicy"] = session.SessionPolicy is not null,
                });
            }

            return new JsonObject
            {
                ["time"] = Time(now),
                ["clockOffsetSeconds"] = server.Clock.Offset.TotalSeconds,
                ["accounts"] = accounts,
                ["sessions"] = sessions,
            };
        }
    }

    private static JsonObject DescribeAccount(Account account)
    {
        var regions = new JsonObject();
        foreach (var region in account.Regions.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            var state = new JsonObject();
            foreach (var extension in ServiceRegistry.Extensions)
            {
                if (extension.DescribeRegion(region) is { } node)
                {
                    state[extension.Section] = node;
                }
            }

            regions[region.Name] = state;
        }

        return new JsonObject
        {
            ["id"] = account.Id,
            ["alias"] = account.Alias,
            ["partition"] = account.Partition,
            ["organizationId"] = account.OrganizationId,
            ["rootAccessKeys"] = Keys(account.RootAccessKeys),
            ["managedPolicies"] = new JsonArray(account.ManagedPolicies.Values.Select(p => (JsonNode?)new JsonObject
            {
                ["name"] = p.Name,
                ["arn"] = p.Arn,
                ["policyId"] = p.PolicyId,
                ["document"] = PolicyNode(p.Document),
            }).ToArray()),
            ["users"] = new JsonArray(account.Users.Values.Select(u => (JsonNode?)new JsonObject
            {
                ["name"] = u.Name,
                ["arn"] = u.Arn,
                ["userId"] = u.UserId,
                ["accessKeys"] = Keys(u.AccessKeys),
                ["inlinePolicies"] = Policies(u.InlinePolicies),
                ["attachedPolicies"] = new JsonArray(u.AttachedPolicies.Select(a => (JsonNode?)a).ToArray()),
            }).ToArray()),
            ["roles"] = new JsonArray(account.Roles.Values.Select(r => (JsonNode?)new JsonObject
            {
                ["name"] = r.Name,
                ["arn"] = r.Arn,
                ["roleId"] = r.RoleId,
                ["maxSessionDuration"] = r.MaxSessionDuration,
                ["trustPolicy"] = PolicyNode(r.TrustPolicy),
                ["inlinePolicies"] = Policies(r.InlinePolicies),
                ["attachedPolicies"] = new JsonArray(r.AttachedPolicies.Select(a => (JsonNode?)a).ToArray()),
            }).ToArray()),
            ["regions"] = regions,
        };
    }

    // Access key ids only: the secret is what a key is for, so it never leaves the emulator.
    private static JsonArray Keys(IEnumerable<AccessKey> keys) =>
        new(keys.Select(k => (JsonNode?)new JsonObject { ["accessKeyId"] = k.AccessKeyId, ["status"] = k.Status }).ToArray());

    private static JsonObject Policies(Dictionary<string, string> policies)
    {
        var result = new JsonObject();
        foreach (var policy in policies)
        {
            result[policy.Key] = PolicyNode(policy.Value);
        }

        return result;
    }

    private static JsonNode? PolicyNode(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    private JsonObject Calls()
    {
        var snapshot = server.Calls.Snapshot();
        var operations = new JsonObject();
        foreach (var op in snapshot.Operations)
        {
            operations[op.Key] = op.Value;
        }

        var errors = new JsonObject();
        foreach (var op in snapshot.Errors)
        {
            errors[op.Key] = op.Value;
        }

        var byAccount = new JsonObject();
        foreach (var account in snapshot.ByAccount)
        {
            var counts = new JsonObject();
            foreach (var op in account.Value)
            {
                counts[op.Key] = op.Value;
            }

            byAccount[account.Key] = counts;
        }

        var recent = new JsonArray();
        foreach (var call in snapshot.Recent)
        {
            var node = JsonSerializer.SerializeToNode(call, s_camel)!.AsObject();
            node["time"] = Time(call.Time);
            recent.Add(node);
        }

        return new JsonObject
        {
            ["total"] = snapshot.Total,
            ["operations"] = operations,
            ["errors"] = errors,
            ["byAccount"] = byAccount,
            ["recent"] = recent,
        };
    }

    private static readonly JsonSerializerOptions s_camel = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private JsonObject ResetCalls()
    {
        server.Calls.Reset();
        return new JsonObject { ["status"] = "reset" };
    }

    private JsonObject Clock() => new()
    {
        ["now"] = Time(server.Clock.UtcNow),
        ["offsetSeconds"] = server.Clock.Offset.TotalSeconds,
    };

    private JsonObject SetClock(JsonObject body)
    {
        double? advance = Number(body, "advanceSeconds");
        double? offset = Number(body, "offsetSeconds");
        if (advance is null == offset is null)
        {
            throw new ControlException(400, "Give exactly one of advanceSeconds or offsetSeconds.");
        }

        if (advance is double by)
        {
            if (by < 0)
            {
                throw new ControlException(400, "advanceSeconds must not be negative: world time only moves forward (use offsetSeconds to set it).");
            }

            server.Clock.Advance(TimeSpan.FromSeconds(by));
        }
        else
        {
            server.Clock.Offset = TimeSpan.FromSeconds(offset!.Value);
        }

        return Clock();
    }

    private JsonObject Settings() => new()
    {
        ["timeScale"] = server.Settings.TimeScale,
        ["faults"] = FaultArray(),
    };

    private JsonObject SetSettings(JsonObject body)
    {
        foreach (var property in body)
        {
            switch (property.Key)
            {
                case "timeScale":
                    double scale = Number(body, "timeScale") ?? 0;
                    if (scale <= 0)
                    {
                        throw new ControlException(400, "timeScale must be a positive number.");
                    }

                    server.Settings.TimeScale = scale;
                    break;
                default:
                    throw new ControlException(400, $"Unknown setting '{property.Key}'.");
            }
        }

        return Settings();
    }

    private JsonObject Faults() => new() { ["faults"] = FaultArray() };

    private JsonObject AddFault(JsonObject body)
    {
        string Required(string name) => body[name]?.GetValueKind() == JsonValueKind.String
            ? body[name]!.GetValue<string>()
            : throw new ControlException(400, $"Fault needs '{name}' (string).");
        string? Optional(string name) => body[name]?.GetValueKind() == JsonValueKind.String ? body[name]!.GetValue<string>() : null;

        var rule = new FaultRule
        {
            Service = Required("service"),
            Action = Optional("action") ?? "*",
            AccountId = Optional("accountId"),
            Region = Optional("region"),
            Code = Required("code"),
            Message = Optional("message"),
            HttpStatus = (int)(Number(body, "httpStatus") ?? 400),
            Count = (int)(Number(body, "count") ?? 1),
        };
        server.Settings.AddFault(rule);
        return Faults();
    }

    private JsonObject ClearFaults()
    {
        server.Settings.ClearFaults();
        return Faults();
    }

    private JsonArray FaultArray() => new(server.Settings.Faults.Select(f => (JsonNode?)new JsonObject
    {
        ["service"] = f.Service,
        ["action"] = f.Action,
        ["accountId"] = f.AccountId,
        ["region"] = f.Region,
        ["code"] = f.Code,
        ["message"] = f.Message,
        ["httpStatus"] = f.HttpStatus,
        ["count"] = f.Count,
        ["remaining"] = f.Remaining,
    }).ToArray());

    private static double? Number(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue(out double d) => d,
        _ => throw new ControlException(400, $"'{name}' must be a number."),
    };

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context)
    {
        string text = await ReadBodyAsync(context).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(text.Length == 0 ? "{}" : text) as JsonObject
                ?? throw new ControlException(400, "The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ControlException(400, "The body is not valid JSON: " + ex.Message);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonNode? body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body?.ToJsonString(s_json) ?? "null", context.RequestAborted).ConfigureAwait(false);
    }

    private sealed class ControlException(int status, string message) : Exception(message)
    {
        public int Status { get; } = status;
    }
}
