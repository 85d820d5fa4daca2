package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.AgentViews;
import io.sharedmemory.remote.http.JsonViews;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What an agent may see of the whole memory: who it is, the access log, the figures. */
final class ReportRoutes {
    private final SharedMemory memory;

    ReportRoutes(SharedMemory memory) {
        this.memory = memory;
    }

    /** {@code GET /v1/namespaces} */
    Map<String, Object> namespaces(AgentSession s) {
        return Map.of("namespaces", AgentViews.namespaces(memory, s));
    }

    /** {@code GET /v1/whoami} */
    Map<String, Object> whoami(AgentSession s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("agentId", s.agentId());
        out.put("expiresAt", s.expiresAt().toString());
        out.put("namespaces", AgentViews.namespaces(memory, s));
        return out;
    }

    /** {@code GET /v1/access-log} */
    Map<String, Object> accessLog(HttpServletRequest req, AgentSession s) {
        Requests.onlyParams(req, Set.of("agentId", "namespace", "action", "success", "limit"));
        int limit = Requests.intParam(req, "limit", 100, 1, 10_000);
        AccessLogQuery.Builder q = AccessLogQuery.builder()
                .agentId(Replies.emptyToNull(Requests.param(req, "agentId")))
                .namespace(Replies.emptyToNull(Requests.param(req, "namespace")));
        String action = Replies.emptyToNull(Requests.param(req, "action"));
        if (action != null) {
            try {
                q.action(AccessAction.valueOf(action.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("unknown action \"" + action + "\": expected one of "
                        + java.util.Arrays.toString(AccessAction.values()));
            }
        }
        String success = Replies.emptyToNull(Requests.param(req, "success"));
        if (success != null) {
            if (!success.equals("true") && !success.equals("false")) {
                throw ApiException.badRequest("the query parameter \"success\" must be true or false");
            }
            q.success(Boolean.valueOf(success));
        }
        return Map.of("entries", AgentViews.readableAccessLog(memory, s, q.build(), limit));
    }

    /** {@code GET /v1/stats} */
    Map<String, Object> stats(AgentSession s) {
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
}
