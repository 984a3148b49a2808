using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VaultCopy.Emulator.Fixtures;
using VaultCopy.Emulator.Hosting;
using VaultCopy.Emulator.Model;
using VaultCopy.Emulator.Protocol;
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
                ("GET", Prefix + "/latency") => LatencyRules(),
                ("POST", Prefix + "/latency") => AddLatency(await ReadObjectAsync(context).ConfigureAwait(false)),
                ("DELETE", Prefix + "/latency") => ClearLatency(),
                ("GET", Prefix + "/ratelimits") => RateLimits(),
                ("POST", Prefix + "/ratelimits") => AddRateLimit(await ReadObjectAsync(context).ConfigureAwait(false)),
                ("DELETE", Prefix + "/ratelimits") => ClearRateLimits(),
                ("GET", Prefix + "/copyfailures") => CopyFailures(),
                ("POST", Prefix + "/copyfailures") => AddCopyFailure(await ReadObjectAsync(context).ConfigureAwait(false)),
                ("DELETE", Prefix + "/copyfailures") => ClearCopyFailures(),
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

    private JsonObject Settings()
    {
        var settings = server.Settings;
        return new JsonObject
        {
            ["timeScale"] = settings.TimeScale,
            ["ec2"] = new JsonObject
            {
                ["concurrentSnapshotCopies"] = settings.Ec2.ConcurrentSnapshotCopies,
                ["concurrentImageCopies"] = settings.Ec2.ConcurrentImageCopies,
                ["imageSharingEntities"] = settings.Ec2.ImageSharingEntities,
            },
            ["rds"] = new JsonObject
            {
                ["manualSnapshots"] = settings.Rds.ManualSnapshots,
                ["manualClusterSnapshots"] = settings.Rds.ManualClusterSnapshots,
                ["concurrentSnapshotCopies"] = settings.Rds.ConcurrentSnapshotCopies,
                ["concurrentClusterSnapshotCopies"] = settings.Rds.ConcurrentClusterSnapshotCopies,
            },
            ["faults"] = FaultArray(),
            ["latency"] = LatencyArray(),
            ["rateLimits"] = RateLimitArray(),
            ["copyFailures"] = CopyFailureArray(),
        };
    }

    // Everything is checked before anything is applied: a refused request changes no setting.
    private JsonObject SetSettings(JsonObject body)
    {
        var changes = new List<Action>();
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

                    changes.Add(() => server.Settings.TimeScale = scale);
                    break;
                case "ec2":
                    var ec2 = server.Settings.Ec2;
                    changes.AddRange(Quotas(property.Value, "ec2", new Dictionary<string, Action<int>>(StringComparer.Ordinal)
                    {
                        ["concurrentSnapshotCopies"] = v => ec2.ConcurrentSnapshotCopies = v,
                        ["concurrentImageCopies"] = v => ec2.ConcurrentImageCopies = v,
                        ["imageSharingEntities"] = v => ec2.ImageSharingEntities = v,
                    }));
                    break;
                case "rds":
                    var rds = server.Settings.Rds;
                    changes.AddRange(Quotas(property.Value, "rds", new Dictionary<string, Action<int>>(StringComparer.Ordinal)
                    {
                        ["manualSnapshots"] = v => rds.ManualSnapshots = v,
                        ["manualClusterSnapshots"] = v => rds.ManualClusterSnapshots = v,
                        ["concurrentSnapshotCopies"] = v => rds.ConcurrentSnapshotCopies = v,
                        ["concurrentClusterSnapshotCopies"] = v => rds.ConcurrentClusterSnapshotCopies = v,
                    }));
                    break;
                default:
                    throw new ControlException(400, $"Unknown setting '{property.Key}'. Settings: timeScale, ec2, rds (README \"Control API\").");
            }
        }

        foreach (var change in changes)
        {
            change();
        }

        return Settings();
    }

    private static IEnumerable<Action> Quotas(JsonNode? node, string section, Dictionary<string, Action<int>> setters)
    {
        if (node is not JsonObject quotas)
        {
            throw new ControlException(400, $"'{section}' must be an object of quotas: {string.Join(", ", setters.Keys)}.");
        }

        var changes = new List<Action>();
        foreach (var quota in quotas)
        {
            if (!setters.TryGetValue(quota.Key, out var set))
            {
                throw new ControlException(400, $"Unknown {section} quota '{quota.Key}'. Quotas: {string.Join(", ", setters.Keys)}.");
            }

            int value = Count(quotas, quota.Key, $"{section}.{quota.Key}");
            changes.Add(() => set(value));
        }

        return changes;
    }

    // A quota: a whole number, zero allowed (then every such request is over the limit).
    private static int Count(JsonObject body, string name, string shownName)
    {
        double value = Number(body, name) ?? -1;
        return value is >= 0 and <= int.MaxValue && Math.Floor(value) == value
            ? (int)value
            : throw new ControlException(400, $"'{shownName}' must be a whole number, 0 or more.");
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

    private JsonObject LatencyRules() => new() { ["latency"] = LatencyArray() };

    private JsonObject AddLatency(JsonObject body)
    {
        var match = ReadMatch(body, "latencyMs", "count");
        double milliseconds = Number(body, "latencyMs") ?? throw new ControlException(400, "Latency needs 'latencyMs' (number).");
        if (milliseconds is <= 0 or > 600_000)
        {
            throw new ControlException(400, "latencyMs must be more than 0 and at most 600000 (10 minutes).");
        }

        server.Settings.AddLatency(new LatencyRule
        {
            Service = match.Service,
            Action = match.Action,
            AccountId = match.AccountId,
            Region = match.Region,
            Latency = TimeSpan.FromMilliseconds(milliseconds),

            // A slow service stays slow: every matching call until cleared, unless a count is given.
            Count = (int)(Number(body, "count") ?? 0),
        });
        return LatencyRules();
    }

    private JsonObject ClearLatency()
    {
        server.Settings.ClearLatency();
        return LatencyRules();
    }

    private JsonArray LatencyArray() => new(server.Settings.Latency.Select(r => (JsonNode?)new JsonObject
    {
        ["service"] = r.Service,
        ["action"] = r.Action,
        ["accountId"] = r.AccountId,
        ["region"] = r.Region,
        ["latencyMs"] = r.Latency.TotalMilliseconds,
        ["count"] = r.Count,
        ["remaining"] = r.Remaining,
    }).ToArray());

    private JsonObject RateLimits() => new() { ["rateLimits"] = RateLimitArray() };

    private JsonObject AddRateLimit(JsonObject body)
    {
        Refuse(body, "accountId", "service", "ratePerSecond", "burst");
        string? accountId = OptionalString(body, "accountId");
        if (accountId is not null && !Services.Ec2.Ec2Ids.IsAccountId(accountId))
        {
            throw new ControlException(400, $"accountId '{accountId}' is not a 12-digit account id.");
        }

        string? service = OptionalString(body, "service");
        if (service is not null && KnownServices.BySigningName(service) is null)
        {
            throw new ControlException(400, $"Unknown service '{service}'. Services: {string.Join(", ", KnownServices.All.Select(s => s.SigningName))}.");
        }

        double rate = Number(body, "ratePerSecond") ?? throw new ControlException(400, "A rate limit needs 'ratePerSecond' (number, 0 or more).");
        if (rate < 0 || double.IsInfinity(rate))
        {
            throw new ControlException(400, "ratePerSecond must be 0 or more.");
        }

        int burst = body["burst"] is null ? throw new ControlException(400, "A rate limit needs 'burst' (whole number, 1 or more).") : Count(body, "burst", "burst");
        if (burst < 1)
        {
            throw new ControlException(400, "burst must be 1 or more.");
        }

        server.Settings.RateLimits.Add(new RateLimitRule { AccountId = accountId, Service = service, RatePerSecond = rate, Burst = burst });
        return RateLimits();
    }

    private JsonObject ClearRateLimits()
    {
        server.Settings.RateLimits.Clear();
        return RateLimits();
    }

    private JsonArray RateLimitArray()
    {
        var rules = server.Settings.RateLimits.Rules;
        var levels = server.Settings.RateLimits.Levels(server.Clock.UtcNow);
        return new(rules.Select((r, i) =>
        {
            var tokens = new JsonObject();
            foreach (var level in i < levels.Count ? levels[i] : new Dictionary<string, double>())
            {
                tokens[level.Key] = level.Value;
            }

            return (JsonNode?)new JsonObject
            {
                ["accountId"] = r.AccountId,
                ["service"] = r.Service,
                ["ratePerSecond"] = r.RatePerSecond,
                ["burst"] = r.Burst,
                ["tokens"] = tokens,
            };
        }).ToArray());
    }

    private JsonObject CopyFailures() => new() { ["copyFailures"] = CopyFailureArray() };

    private JsonObject AddCopyFailure(JsonObject body)
    {
        // "service": "*" arms every copy of every service that copies (ec2 and rds), as the README documents.
        var match = ReadMatch(body, allowAnyService: true, "failAtPercent", "message", "count");
        IReadOnlyList<string> operations;
        if (match.Service == "*")
        {
            operations = [.. CopyFailureRule.CopyOperations.Values.SelectMany(o => o)];
        }
        else if (!CopyFailureRule.CopyOperations.TryGetValue(match.Service, out var serviceOperations))
        {
            throw new ControlException(400, $"Copies fail part-way only in ec2 and rds (or *), not '{match.Service}'.");
        }
        else
        {
            operations = serviceOperations;
        }

        if (match.Action != "*" && !operations.Contains(match.Action, StringComparer.Ordinal))
        {
            throw new ControlException(400, $"'{match.Action}' starts no {(match.Service == "*" ? string.Empty : match.Service + " ")}copy. Use {string.Join(", ", operations)} or *.");
        }

        double percent = Number(body, "failAtPercent") ?? throw new ControlException(400, "A copy failure needs 'failAtPercent' (0 to less than 100).");
        if (percent is < 0 or >= 100)
        {
            throw new ControlException(400, "failAtPercent must be 0 or more and less than 100: a copy at 100 % has completed.");
        }

        string? message = OptionalString(body, "message");
        if (message is not null && match.Service != "ec2")
        {
            throw new ControlException(400, "RDS snapshots have no status message: 'message' applies to \"service\": \"ec2\" only.");
        }

        server.Settings.AddCopyFailure(new CopyFailureRule
        {
            Service = match.Service,
            Action = match.Action,
            AccountId = match.AccountId,
            Region = match.Region,
            FailAtPercent = percent,
            Message = message,
            Count = (int)(Number(body, "count") ?? 1),
        });
        return CopyFailures();
    }

    private JsonObject ClearCopyFailures()
    {
        server.Settings.ClearCopyFailures();
        return CopyFailures();
    }

    private JsonArray CopyFailureArray() => new(server.Settings.CopyFailures.Select(r => (JsonNode?)new JsonObject
    {
        ["service"] = r.Service,
        ["action"] = r.Action,
        ["accountId"] = r.AccountId,
        ["region"] = r.Region,
        ["failAtPercent"] = r.FailAtPercent,
        ["message"] = r.Message,
        ["count"] = r.Count,
        ["remaining"] = r.Remaining,
    }).ToArray());

    private sealed record CallMatch(string Service, string Action, string? AccountId, string? Region);

    // service (required), action (default *), accountId, region, plus the rule's own members; anything else is refused.
    private static CallMatch ReadMatch(JsonObject body, params string[] ruleMembers) => ReadMatch(body, allowAnyService: false, ruleMembers);

    private static CallMatch ReadMatch(JsonObject body, bool allowAnyService, params string[] ruleMembers)
    {
        Refuse(body, ["service", "action", "accountId", "region", .. ruleMembers]);
        string service = OptionalString(body, "service") ?? throw new ControlException(400, "The rule needs 'service' (string).");
        if (!(allowAnyService && service == "*") && KnownServices.BySigningName(service) is null)
        {
            throw new ControlException(400, $"Unknown service '{service}'. Services: {string.Join(", ", KnownServices.All.Select(s => s.SigningName))}.");
        }

        string? accountId = OptionalString(body, "accountId");
        if (accountId is not null && !Services.Ec2.Ec2Ids.IsAccountId(accountId))
        {
            throw new ControlException(400, $"accountId '{accountId}' is not a 12-digit account id.");
        }

        return new CallMatch(service, OptionalString(body, "action") ?? "*", accountId, OptionalString(body, "region"));
    }

    private static void Refuse(JsonObject body, params string[] known)
    {
        foreach (var property in body)
        {
            if (!known.Contains(property.Key, StringComparer.Ordinal))
            {
                throw new ControlException(400, $"Unknown member '{property.Key}'. Members: {string.Join(", ", known)}.");
            }
        }
    }

    private static string? OptionalString(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw new ControlException(400, $"'{name}' must be a string."),
    };

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
