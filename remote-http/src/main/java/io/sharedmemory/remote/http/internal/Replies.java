package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.json.Json;
import io.sharedmemory.remote.http.AgentViews;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Answers: JSON bodies, the refusal of a method, the error body of a refusal, why the engine refused. */
final class Replies {
    private static final String JSON = "application/json;charset=utf-8";

    private Replies() {
    }

    /** The HTTP status of a write's outcome. */
    static int status(WriteResult r) {
        return switch (r.status()) {
            case WRITTEN -> r.version() == 1 ? 201 : 200;
            case DENIED -> 403;
            case NO_NAMESPACE -> 404;
            case REJECTED, NAMESPACE_FULL, VERSION_MISMATCH -> 409;
            case INVALID -> 422;
            case STRATEGY_UNAVAILABLE, AUDIT_UNAVAILABLE, STORE_UNAVAILABLE -> 503;
        };
    }

    static ApiException unauthenticated(String message, boolean invalidToken) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "unauthenticated");
        body.put("message", message);
        return new ApiException(401, invalidToken ? "invalid_token" : "unauthenticated", message, body);
    }

    /**
     * Why the engine refused ({@link AgentViews#whyNot}); a 500 placeholder when none of the reasons holds, for the
     * caller to replace (a missing key) — never sent as such.
     */
    static ApiException whyNot(SharedMemory memory, AgentSession s, String ns, String key, Permission needed, String what) {
        return AgentViews.whyNot(memory, s, ns, key, needed, what)
                .map(r -> r.status() == 401 ? unauthenticated(r.message(), true)
                        : new ApiException(r.status(), r.error(), r.message()))
                .orElseGet(() -> new ApiException(500, "internal", "refused for a reason the server could not tell"));
    }

    static String allow(HttpServletRequest req, String... methods) {
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

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * A refusal answered before the request's body was read ends the connection and says so: the container would
     * otherwise close it after the answer without a word whenever the rest of the body had not arrived yet, and a
     * client that pools connections (the JDK's {@code HttpClient}, for one) would send its next request into it and
     * read nothing back. Reading an unauthenticated body just to keep the connection is not worth its cost.
     */
    static void closeIfBodyUnread(HttpServletRequest req, HttpServletResponse resp) {
        long length = req.getContentLengthLong();
        if (length == 0 || length < 0 && req.getHeader("Transfer-Encoding") == null) {
            return;
        }
        boolean finished;
        try {
            finished = req.getInputStream().isFinished();
        } catch (IOException | IllegalStateException e) {
            finished = false;
        }
        if (!finished) {
            resp.setHeader("Connection", "close");
        }
    }

    static void reply(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType(JSON);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    static void error(HttpServletRequest req, HttpServletResponse resp, ApiException e) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        resp.reset();
        resp.setHeader("Cache-Control", "no-store");
        closeIfBodyUnread(req, resp);
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
