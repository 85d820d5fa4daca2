package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.remote.http.JsonViews;
import io.sharedmemory.remote.http.KeyPage;
import io.sharedmemory.remote.http.RemoteSettings;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The entry routes: one entry (read, write, delete), pages of keys and entries, broadcasts. */
final class EntryRoutes {
    private final SharedMemory memory;
    private final RemoteSettings settings;

    EntryRoutes(SharedMemory memory, RemoteSettings settings) {
        this.memory = memory;
        this.settings = settings;
    }

    /** {@code POST /v1/namespaces/{ns}/broadcasts} */
    void broadcast(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns) throws IOException {
        Replies.allow(req, "POST");
        Requests.onlyParams(req, Set.of());
        Map<String, Object> body = Requests.jsonObject(req, settings.maxBodyBytes());
        Requests.only(body, "the body", Set.of("message"));
        if (!body.containsKey("message")) {
            throw ApiException.badRequest("\"message\" is required");
        }
        s.broadcast(ns, body.get("message"));
        Replies.reply(resp, 200, Map.of("namespace", ns, "broadcast", true));
    }

    /** {@code GET|PUT|DELETE /v1/namespaces/{ns}/entries/{key}} */
    void entry(String ns, String key, HttpServletRequest req, HttpServletResponse resp,
                            AgentSession s) throws IOException {
        String method = Replies.allow(req, "GET", "PUT", "DELETE");
        Requests.onlyParams(req, Set.of());
        switch (method) {
            case "GET" -> {
                Optional<MemoryEntry> e = s.readEntry(ns, key);
                if (e.isEmpty()) {
                    ApiException why = Replies.whyNot(memory, s, ns, key, Permission.READ, "read");
                    throw why.status() == 500 ? ApiException.notFound("key \"" + key + "\" not found (or expired) in "
                            + ns) : why;
                }
                Replies.reply(resp, 200, JsonViews.entry(e.get()));
            }
            case "PUT" -> write(req, resp, s, ns, key);
            default -> {
                if (!s.delete(ns, key)) {
                    ApiException why = Replies.whyNot(memory, s, ns, key, Permission.WRITE, "delete");
                    throw why.status() == 500 ? ApiException.notFound("key \"" + key + "\" not found (or expired) in "
                            + ns) : why;
                }
                Replies.reply(resp, 200, Map.of("namespace", ns, "key", key, "deleted", true));
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
        Replies.reply(resp, Replies.status(r), JsonViews.writeResult(r));
    }

    /** {@code GET /v1/namespaces/{ns}/keys} */
    void listKeys(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of("prefix", "limit", "cursor"));
        int limit = Requests.intParam(req, "limit", settings.defaultPageSize(), 1, settings.maxPageSize());
        String prefix = Requests.param(req, "prefix");
        String cursor = Requests.param(req, "cursor");
        List<String> keys = s.getKeys(ns);
        if (keys == null) {
            throw Replies.whyNot(memory, s, ns, null, Permission.READ, "list the keys of");
        }
        KeyPage page = page(keys, prefix, cursor, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", page.keys());
        out.put("nextCursor", page.nextCursor());
        Replies.reply(resp, 200, out);
    }

    /** {@code GET /v1/namespaces/{ns}/entries} */
    void listEntries(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of("prefix", "limit", "cursor"));
        int limit = Requests.intParam(req, "limit", settings.defaultPageSize(), 1, settings.maxPageSize());
        String prefix = Requests.param(req, "prefix");
        String cursor = Requests.param(req, "cursor");
        Map<String, Object> all = s.getAll(ns);
        if (all == null) {
            throw Replies.whyNot(memory, s, ns, null, Permission.READ, "list the entries of");
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
        Replies.reply(resp, 200, out);
    }

    private static KeyPage page(List<String> keys, String prefix, String cursor, int limit) {
        try {
            return KeyPage.of(keys, prefix, cursor, limit);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
