package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.remote.http.BearerSessions;
import io.sharedmemory.remote.http.OperationCounters;
import io.sharedmemory.remote.http.PluginCatalog;
import io.sharedmemory.remote.http.RemoteSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code /v1} routes. Every route but {@code POST /v1/sessions} first turns the request's bearer token into the
 * agent's session ({@link BearerSessions}) and then acts only through that session: nothing in a path, a query or a
 * body names the acting agent. A refusal is decided before anything changes and answered with its status and a JSON
 * body {@code {"error", "message"}}; the status table is in the README ("Agents over HTTP and MCP").
 */
public final class Api {
    private final RemoteSettings settings;
    private final BearerSessions sessions;
    private final NamespaceRoutes namespaces;
    private final EntryRoutes entries;
    private final ReportRoutes reports;
    private final ChangeRoute changes;

    public Api(SharedMemory memory, RemoteSettings settings, BearerSessions sessions, FeedRegistry feeds,
               OperationCounters counters, PluginCatalog catalog) {
        this.settings = settings;
        this.sessions = sessions;
        this.namespaces = new NamespaceRoutes(memory, settings);
        this.entries = new EntryRoutes(memory, settings);
        this.reports = new ReportRoutes(memory, counters, catalog);
        this.changes = new ChangeRoute(feeds);
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
                Replies.allow(req, "POST");
                login(req, resp);
                return;
            }
            AgentSession session = authenticate(req);
            route(path, req, resp, session);
        } catch (ApiException e) {
            Replies.error(req, resp, e);
        } catch (AccessDeniedException e) {
            Replies.error(req, resp, ApiException.forbidden(e.getMessage()));
        } catch (NamespaceNotFoundException e) {
            Replies.error(req, resp, ApiException.notFound(e.getMessage()));
        } catch (InvalidInputException e) {
            Replies.error(req, resp, ApiException.invalid(e.getMessage()));
        } catch (SharedMemoryException | IllegalStateException e) {
            Replies.error(req, resp, new ApiException(503, "unavailable", e.getMessage()));
        }
    }

    private void route(List<String> p, HttpServletRequest req, HttpServletResponse resp, AgentSession s)
            throws IOException {
        int n = p.size();
        String first = n == 0 ? "" : p.get(0);
        if (n == 1 && first.equals("whoami")) {
            Replies.allow(req, "GET");
            Requests.onlyParams(req, Set.of());
            Replies.reply(resp, 200, reports.whoami(s));
        } else if (n == 1 && first.equals("namespaces")) {
            if (Replies.allow(req, "GET", "POST").equals("GET")) {
                Requests.onlyParams(req, Set.of());
                Replies.reply(resp, 200, reports.namespaces(s));
            } else {
                namespaces.create(req, resp, s);
            }
        } else if (n >= 2 && first.equals("namespaces")) {
            namespaceRoute(p, req, resp, s);
        } else if (n == 1 && first.equals("access-log")) {
            Replies.allow(req, "GET");
            Replies.reply(resp, 200, reports.accessLog(req, s));
        } else if (n == 1 && first.equals("stats")) {
            Replies.allow(req, "GET");
            Requests.onlyParams(req, Set.of());
            Replies.reply(resp, 200, reports.stats(s));
        } else if (n == 1 && first.equals("plugins")) {
            Replies.allow(req, "GET");
            Requests.onlyParams(req, Set.of());
            Replies.reply(resp, 200, reports.plugins());
        } else {
            throw ApiException.notFound("no route " + req.getMethod() + " " + req.getRequestURI());
        }
    }

    private void namespaceRoute(List<String> p, HttpServletRequest req, HttpServletResponse resp, AgentSession s)
            throws IOException {
        String ns = p.get(1);
        if (p.size() == 2) {
            namespaces.namespace(req, resp, s, ns);
            return;
        }
        String what = p.get(2);
        if (what.equals("entries") && p.size() > 3) {
            entries.entry(ns, String.join("/", p.subList(3, p.size())), req, resp, s);
            return;
        }
        if (p.size() != 3) {
            throw ApiException.notFound("no route " + req.getMethod() + " " + req.getRequestURI());
        }
        switch (what) {
            case "clear" -> namespaces.clear(req, resp, s, ns);
            case "permissions" -> namespaces.permissions(req, resp, s, ns);
            case "entries" -> {
                Replies.allow(req, "GET");
                entries.listEntries(req, resp, s, ns);
            }
            case "keys" -> {
                Replies.allow(req, "GET");
                entries.listKeys(req, resp, s, ns);
            }
            case "broadcasts" -> entries.broadcast(req, resp, s, ns);
            case "changes" -> {
                Replies.allow(req, "GET");
                changes.changes(req, resp, s, ns);
            }
            default -> throw ApiException.notFound("no route " + req.getMethod() + " " + req.getRequestURI());
        }
    }

    /** The HTTP status of a write's outcome. */
    public static int status(WriteResult r) {
        return Replies.status(r);
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
            throw Replies.unauthenticated("the agent id and secret prove nothing", false);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", opened.token());
        out.put("agentId", opened.agentId());
        out.put("expiresAt", opened.expiresAt().toString());
        Replies.reply(resp, 201, out);
    }

    private AgentSession authenticate(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        String token = BearerSessions.bearerToken(header);
        if (token == null) {
            throw Replies.unauthenticated(header == null ? "this route needs Authorization: Bearer <token> (POST /v1/sessions"
                    + " or sm:token gives one)" : "the Authorization header is not a Bearer token", header != null);
        }
        try {
            return sessions.session(token);
        } catch (AccessDeniedException e) {
            throw Replies.unauthenticated("the token is not valid: malformed, forged, expired or of an agent no longer "
                    + "configured", true);
        }
    }
}
