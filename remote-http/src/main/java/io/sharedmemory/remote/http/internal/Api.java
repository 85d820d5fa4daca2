package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.json.Json;
import io.sharedmemory.remote.http.AgentViews;
import io.sharedmemory.remote.http.BearerSessions;
import io.sharedmemory.remote.http.JsonViews;
import io.sharedmemory.remote.http.KeyPage;
import io.sharedmemory.remote.http.RemoteSettings;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code /v1} routes. Every route but {@code POST /v1/sessions} first turns the request's bearer token into the
 * agent's session ({@link BearerSessions}) and then acts only through that session: nothing in a path, a query or a
 * body names the acting agent. A refusal is decided before anything changes and answered with its status and a JSON
 * body {@code {"error", "message"}}; the status table is in the README ("Agents over HTTP and MCP").
 */
public final class Api {
    private static final String JSON = "application/json;charset=utf-8";
    private static final Set<String> CONFIG_FIELDS = Set.of("defaultPermission", "permissions", "conflictStrategy",
            "maxEntries", "ttlMillis");

    private final SharedMemory memory;
    private final RemoteSettings settings;
    private final BearerSessions sessions;
    private final FeedRegistry feeds;

    public Api(SharedMemory memory, RemoteSettings settings, BearerSessions sessions, FeedRegistry feeds) {
        this.memory = memory;
        this.settings = settings;
        this.sessions = sessions;
        this.feeds = feeds;
    }

    /** Answers one request below the servlet's mapping ({@code /v1}). */
    public void handle(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        try {
            if (!settings.originAllowed(req.getHeader("Origin"))) {
                throw ApiException.forbidden("requests from the origin " + req.getHeader("Origin")
                        + " are not accepted (allowedOrigins)");
            }
            List<String> path = Requests.segments(req);
            if (path.size() == 1 && path.get(0).equals("sessions")) {
                allow(req, "POST");
                login(req, resp);
                return;
            }
            AgentSession session = authenticate(req);
            route(path, req, resp, session);
        } catch (ApiException e) {
            error(resp, e);
        } catch (AccessDeniedException e) {
            error(resp, ApiException.forbidden(e.getMessage()));
        } catch (NamespaceNotFoundException e) {
            error(resp, ApiException.notFound(e.getMessage()));
        } catch (InvalidInputException e) {
            error(resp, ApiException.invalid(e.getMessage()));
        } catch (SharedMemoryException | IllegalStateException e) {
            error(resp, new ApiException(503, "unavailable", e.getMessage()));
        }
    }

    private void route(List<String> p, HttpServletRequest req, HttpServletResponse resp, AgentSession s)
            throws IOException {
        int n = p.size();
        String first = n == 0 ? "" : p.get(0);
        if (n == 1 && first.equals("whoami")) {
            allow(req, "GET");
            Requests.onlyParams(req, Set.of());
            reply(resp, 200, whoami(s));
        } else if (n == 1 && first.equals("namespaces")) {
            if (allow(req, "GET", "POST").equals("GET")) {
                Requests.onlyParams(req, Set.of());
                reply(resp, 200, Map.of("namespaces", AgentViews.namespaces(memory, s)));
            } else {
                createNamespace(req, resp, s);
            }
        } else if (n >= 2 && first.equals("namespaces")) {
            namespaceRoute(p, req, resp, s);
        } else if (n == 1 && first.equals("access-log")) {
            allow(req, "GET");
            reply(resp, 200, accessLog(req, s));
        } else if (n == 1 && first.equals("stats")) {
            allow(req, "GET");
            Requests.onlyParams(req, Set.of());
            reply(resp, 200, stats(s));
        } else {
            throw ApiException.notFound("no route " + req.getMethod() + " " + req.getRequestURI());
        }
    }

    private void namespaceRoute(List<String> p, HttpServletRequest req, HttpServletResponse resp, AgentSession s)
            throws IOException {
        String ns = p.get(1);
        String what = p.size() > 2 ? p.get(2) : null;
        if (what == null) {
            if (allow(req, "GET", "DELETE").equals("GET")) {
                Requests.onlyParams(req, Set.of());
                reply(resp, 200, namespaceView(s, ns));
            } else {
                Requests.onlyParams(req, Set.of());
                if (!s.deleteNamespace(ns)) {
                    throw whyNot(s, ns, null, Permission.ADMIN, "delete");
                }
                reply(resp, 200, Map.of("namespace", ns, "deleted", true));
            }
            return;
        }
        if (what.equals("entries") && p.size() > 3) {
            entryRoute(ns, String.join("/", p.subList(3, p.size())), req, resp, s);
            return;
        }
        if (p.size() != 3) {
            throw ApiException.notFound("no route " + req.getMethod() + " " + req.getRequestURI());
        }
        switch (what) {
            case "clear" -> {
                allow(req, "POST");
                Requests.onlyParams(req, Set.of());
                if (!s.clearNamespace(ns)) {
                    throw whyNot(s, ns, null, Permission.ADMIN, "clear");
                }
                reply(resp, 200, Map.of("namespace", ns, "cleared", true));
            }
            case "permissions" -> {
                if (allow(req, "GET", "PUT").equals("GET")) {
                    Requests.onlyParams(req, Set.of());
                    reply(resp, 200, permissionsView(s, ns));
                } else {
                    updatePermissions(req, resp, s, ns);
                }
            }
            case "entries" -> {
                allow(req, "GET");
                listEntries(req, resp, s, ns);
            }
            case "keys" -> {
                allow(req, "GET");
                listKeys(req, resp, s, ns);
            }
            case "broadcasts" -> {
                allow(req, "POST");
                Requests.onlyParams(req, Set.of());
                Map<String, Object> body = Requests.jsonObject(req, settings.maxBodyBytes());
                Requests.only(body, "the body", Set.of("message"));
                if (!body.containsKey("message")) {
                    throw ApiException.badRequest("\"message\" is required");
                }
                s.broadcast(ns, body.get("message"));
                reply(resp, 200, Map.of("namespace", ns, "broadcast", true));
            }
            case "changes" -> {
                allow(req, "GET");
                changes(req, resp, s, ns);
            }
            default -> throw ApiException.notFound("no route " + req.getMethod() + " " + req.getRequestURI());
        }
    }

    private void entryRoute(String ns, String key, HttpServletRequest req, HttpServletResponse resp,
                            AgentSession s) throws IOException {
        String method = allow(req, "GET", "PUT", "DELETE");
        Requests.onlyParams(req, Set.of());
        switch (method) {
            case "GET" -> {
                Optional<MemoryEntry> e = s.readEntry(ns, key);
                if (e.isEmpty()) {
                    ApiException why = whyNot(s, ns, key, Permission.READ, "read");
                    throw why.status() == 500 ? ApiException.notFound("key \"" + key + "\" not found (or expired) in "
                            + ns) : why;
                }
                reply(resp, 200, JsonViews.entry(e.get()));
            }
            case "PUT" -> write(req, resp, s, ns, key);
            default -> {
                if (!s.delete(ns, key)) {
                    ApiException why = whyNot(s, ns, key, Permission.WRITE, "delete");
                    throw why.status() == 500 ? ApiException.notFound("key \"" + key + "\" not found (or expired) in "
                            + ns) : why;
                }
                reply(resp, 200, Map.of("namespace", ns, "key", key, "deleted", true));
            }
        }
    }

    private void write(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns, String key)
            throws IOException {
        Map<String, Object> body = Requests.jsonObject(req, settings.maxBodyBytes());
        Requests.only(body, "the body", Set.of("value", "expectedVersion", "metadata"));
        if (!body.containsKey("value")) {
            throw ApiException.badRequest("\"value\" is required");
        }
        long expected = Requests.integer(body, "expectedVersion", -1, 0, Long.MAX_VALUE);
        Map<String, Object> metadata = Requests.object(body, "metadata");
        WriteOptions.Builder o = WriteOptions.builder();
        if (expected >= 0) {
            o.expectedVersion(expected);
        }
        if (metadata != null) {
            o.metadata(metadata);
        }
        WriteResult r = s.write(ns, key, body.get("value"), o.build());
        reply(resp, status(r), JsonViews.writeResult(r));
    }

    /** The HTTP status of a write's outcome. */
    public static int status(WriteResult r) {
        return switch (r.status()) {
            case WRITTEN -> r.version() == 1 ? 201 : 200;
            case DENIED -> 403;
            case NO_NAMESPACE -> 404;
            case REJECTED, NAMESPACE_FULL, VERSION_MISMATCH -> 409;
            case INVALID -> 422;
            case STRATEGY_UNAVAILABLE, AUDIT_UNAVAILABLE -> 503;
        };
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Requests.onlyParams(req, Set.of());
        Map<String, Object> body = Requests.jsonObject(req, 64 * 1024);
        Requests.only(body, "the body", Set.of("agentId", "secret"));
        String agent = Requests.string(body, "agentId", true);
        String secret = Requests.string(body, "secret", true);
        AgentSession opened;
        try {
            opened = sessions.open(agent, secret.toCharArray());
        } catch (AccessDeniedException e) {
            throw unauthenticated("the agent id and secret prove nothing", false);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", opened.token());
        out.put("agentId", opened.agentId());
        out.put("expiresAt", opened.expiresAt().toString());
        reply(resp, 201, out);
    }

    private AgentSession authenticate(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        String token = BearerSessions.bearerToken(header);
        if (token == null) {
            throw unauthenticated(header == null ? "this route needs Authorization: Bearer <token> (POST /v1/sessions"
                    + " or sm:token gives one)" : "the Authorization header is not a Bearer token", header != null);
        }
        try {
            return sessions.session(token);
        } catch (AccessDeniedException e) {
            throw unauthenticated("the token is not valid: malformed, forged, expired or of an agent no longer "
                    + "configured", true);
        }
    }

    private static ApiException unauthenticated(String message, boolean invalidToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "unauthenticated");
        body.put("message", message);
        return new ApiException(401, invalidToken ? "invalid_token" : "unauthenticated", message, body);
    }

    private Map<String, Object> whoami(AgentSession s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agentId", s.agentId());
        out.put("expiresAt", s.expiresAt().toString());
        out.put("namespaces", AgentViews.namespaces(memory, s));
        return out;
    }

    private void createNamespace(HttpServletRequest req, HttpServletResponse resp, AgentSession s)
            throws IOException {
        Requests.onlyParams(req, Set.of());
        Map<String, Object> body = Requests.jsonObject(req, settings.maxBodyBytes());
        Requests.only(body, "the body", Set.of("name", "config"));
        String name = Requests.string(body, "name", true);
        Map<String, Object> c = Requests.object(body, "config");
        NamespaceConfig config = config(c == null ? Map.of() : c);
        boolean created;
        try {
            created = s.createNamespace(name, config);
        } catch (AccessDeniedException e) {
            if (!s.isOpen()) {
                throw unauthenticated(e.getMessage(), true);
            }
            throw ApiException.forbidden("namespace \"" + name + "\" exists and " + s.agentId()
                    + " is not its admin: only an admin may reconfigure it");
        }
        reply(resp, created ? 201 : 200, namespaceView(s, name));
    }

    private static NamespaceConfig config(Map<String, Object> c) {
        Requests.only(c, "\"config\"", CONFIG_FIELDS);
        NamespaceConfig.Builder b = NamespaceConfig.builder();
        try {
            if (c.containsKey("defaultPermission")) {
                String p = Requests.string(c, "defaultPermission", false);
                b.defaultPermission(p == null ? Permission.NONE : Permission.parse(p));
            }
            Map<String, Object> perms = Requests.object(c, "permissions");
            if (perms != null) {
                b.permissions(permissions(perms));
            }
            String strategy = Requests.string(c, "conflictStrategy", false);
            if (strategy != null) {
                b.conflictStrategy(strategy);
            }
            b.maxEntries((int) Requests.integer(c, "maxEntries", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
            b.ttl(Duration.ofMillis(Requests.integer(c, "ttlMillis", 0, Long.MIN_VALUE, Long.MAX_VALUE)));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        return b.build();
    }

    private static Map<String, Permission> permissions(Map<String, Object> body) {
        Map<String, Permission> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!(e.getValue() instanceof String p)) {
                throw ApiException.badRequest("the permission of \"" + e.getKey() + "\" must be a string (none, read,"
                        + " write, admin), not " + Requests.describe(e.getValue()));
            }
            String bad = NameRules.checkName("the agent id \"" + e.getKey() + "\"", e.getKey());
            if (bad != null) {
                throw ApiException.invalid(bad);
            }
            try {
                out.put(e.getKey(), Permission.parse(p));
            } catch (IllegalArgumentException x) {
                throw ApiException.invalid(x.getMessage());
            }
        }
        return out;
    }

    private Map<String, Object> namespaceView(AgentSession s, String ns) {
        Optional<NamespaceConfig> c = memory.getNamespaceConfig(ns);
        Permission p = s.permission(ns);
        if (c.isEmpty() || p == Permission.NONE) {
            throw whyNot(s, ns, null, Permission.READ, "see");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", ns);
        out.put("permission", JsonViews.permission(p));
        out.put("config", JsonViews.config(c.get(), p == Permission.ADMIN));
        return out;
    }

    private Map<String, Object> permissionsView(AgentSession s, String ns) {
        Optional<NamespaceConfig> c = memory.getNamespaceConfig(ns);
        if (c.isEmpty() || s.permission(ns) != Permission.ADMIN) {
            throw whyNot(s, ns, null, Permission.ADMIN, "see the permissions of");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespace", ns);
        out.put("defaultPermission", JsonViews.permission(c.get().defaultPermission()));
        out.put("permissions", JsonViews.config(c.get(), true).get("permissions"));
        return out;
    }

    private void updatePermissions(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of());
        Map<String, Permission> changes = permissions(Requests.jsonObject(req, settings.maxBodyBytes()));
        if (!s.updatePermissions(ns, changes)) {
            throw whyNot(s, ns, null, Permission.ADMIN, "change the permissions of");
        }
        reply(resp, 200, permissionsView(s, ns));
    }

    private void listKeys(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of("prefix", "limit", "cursor"));
        int limit = Requests.intParam(req, "limit", settings.defaultPageSize(), 1, settings.maxPageSize());
        String prefix = Requests.param(req, "prefix");
        String cursor = Requests.param(req, "cursor");
        List<String> keys = s.getKeys(ns);
        if (keys == null) {
            throw whyNot(s, ns, null, Permission.READ, "list the keys of");
        }
        KeyPage page = page(keys, prefix, cursor, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", page.keys());
        out.put("nextCursor", page.nextCursor());
        reply(resp, 200, out);
    }

    private void listEntries(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of("prefix", "limit", "cursor"));
        int limit = Requests.intParam(req, "limit", settings.defaultPageSize(), 1, settings.maxPageSize());
        String prefix = Requests.param(req, "prefix");
        String cursor = Requests.param(req, "cursor");
        Map<String, Object> all = s.getAll(ns);
        if (all == null) {
            throw whyNot(s, ns, null, Permission.READ, "list the entries of");
        }
        KeyPage page = page(new ArrayList<>(all.keySet()), prefix, cursor, limit);
        List<Map<String, Object>> entries = new ArrayList<>(page.keys().size());
        for (String k : page.keys()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("key", k);
            e.put("value", all.get(k));
            entries.add(e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("entries", entries);
        out.put("nextCursor", page.nextCursor());
        reply(resp, 200, out);
    }

    private static KeyPage page(List<String> keys, String prefix, String cursor, int limit) {
        try {
            return KeyPage.of(keys, prefix, cursor, limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private Map<String, Object> accessLog(HttpServletRequest req, AgentSession s) {
        Requests.onlyParams(req, Set.of("agentId", "namespace", "action", "success", "limit"));
        int limit = Requests.intParam(req, "limit", 100, 1, 10_000);
        AccessLogQuery.Builder q = AccessLogQuery.builder()
                .agentId(emptyToNull(Requests.param(req, "agentId")))
                .namespace(emptyToNull(Requests.param(req, "namespace")));
        String action = emptyToNull(Requests.param(req, "action"));
        if (action != null) {
            try {
                q.action(AccessAction.valueOf(action.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("unknown action \"" + action + "\": expected one of "
                        + java.util.Arrays.toString(AccessAction.values()));
            }
        }
        String success = emptyToNull(Requests.param(req, "success"));
        if (success != null) {
            if (!success.equals("true") && !success.equals("false")) {
                throw ApiException.badRequest("the query parameter \"success\" must be true or false");
            }
            q.success(Boolean.valueOf(success));
        }
        return Map.of("entries", AgentViews.readableAccessLog(memory, s, q.build(), limit));
    }

    private Map<String, Object> stats(AgentSession s) {
        MemoryStats stats = memory.getStats();
        List<Map<String, Object>> details = new ArrayList<>();
        long entries = 0;
        int subscriptions = 0;
        for (MemoryStats.NamespaceStats n : stats.namespaceDetails()) {
            Permission p = s.permission(n.name());
            if (!p.implies(Permission.READ)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("entries", n.entries());
            m.put("conflictStrategy", n.conflictStrategy());
            m.put("subscriptions", n.subscriptions());
            m.put("permission", JsonViews.permission(p));
            details.add(m);
            entries += n.entries();
            subscriptions += n.subscriptions();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("namespaces", details.size());
        out.put("totalEntries", entries);
        out.put("subscriptions", subscriptions);
        out.put("namespaceDetails", details);
        return out;
    }

    private void changes(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of("lastEventId"));
        String last = req.getHeader("Last-Event-ID");
        if (last == null || last.isBlank()) {
            last = Requests.param(req, "lastEventId");
        }
        EventId resume;
        try {
            resume = last == null || last.isBlank() ? null : EventId.parse(last.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Last-Event-ID: " + e.getMessage());
        }
        Feed feed = feeds.acquire(s, ns);
        try {
            List<byte[]> opening = new ArrayList<>();
            long next = resume == null ? feed.head() + 1 : resume.resumeFrom(feed);
            boolean unknown = next < 0;
            if (unknown) {
                next = feed.head() + 1;
            }
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("namespace", ns);
            ready.put("agentId", s.agentId());
            ready.put("resumed", resume != null && !unknown);
            opening.add(("retry: 3000\nid: " + feed.id() + "-" + (next - 1) + "\nevent: ready\ndata: "
                    + Json.write(ready) + "\n\n").getBytes(StandardCharsets.UTF_8));
            if (unknown) {
                opening.add(EventStream.gap(-1, EventId.UNKNOWN));
            }
            resp.setStatus(200);
            resp.setContentType("text/event-stream;charset=utf-8");
            resp.setHeader("X-Accel-Buffering", "no");
            AsyncContext context = req.startAsync();
            context.setTimeout(0);
            feeds.stream(feed, s, context, resp.getOutputStream(), next, opening);
        } catch (IOException | RuntimeException e) {
            feeds.release(feed);
            throw e;
        }
    }

    /**
     * Why the engine refused ({@link AgentViews#whyNot}); a 500 placeholder when none of the reasons holds, for the
     * caller to replace (a missing key) — never sent as such.
     */
    private ApiException whyNot(AgentSession s, String ns, String key, Permission needed, String what) {
        return AgentViews.whyNot(memory, s, ns, key, needed, what)
                .map(r -> r.status() == 401 ? unauthenticated(r.message(), true)
                        : new ApiException(r.status(), r.error(), r.message()))
                .orElseGet(() -> new ApiException(500, "internal", "refused for a reason the server could not tell"));
    }

    private static String allow(HttpServletRequest req, String... methods) {
        String m = req.getMethod();
        for (String a : methods) {
            if (a.equals(m)) {
                return m;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "method_not_allowed");
        body.put("message", m + " is not allowed here; allowed: " + String.join(", ", methods));
        body.put("allow", String.join(", ", methods));
        throw new ApiException(405, "method_not_allowed", (String) body.get("message"), body);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static void reply(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType(JSON);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static void error(HttpServletResponse resp, ApiException e) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        resp.setHeader("Cache-Control", "no-store");
        if (e.status() == 401) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"sharedmemory\""
                    + (e.error().equals("invalid_token") ? ", error=\"invalid_token\"" : ""));
        }
        Map<String, Object> body = e.body();
        if (e.status() == 405 && body != null) {
            resp.setHeader("Allow", (String) body.get("allow"));
            body = new LinkedHashMap<>(body);
            body.remove("allow");
        }
        if (body == null) {
            body = new LinkedHashMap<>();
            body.put("error", e.error());
            body.put("message", e.getMessage());
        }
        reply(resp, e.status(), body);
    }
}
