package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two agents with different tokens cannot act as each other: bob, holding his own token, tries every route on alice's
 * private namespace, and every way of naming alice instead of himself — a query parameter, a body field, a header, a
 * path, a sign-in with her name — and nothing of alice's is read, changed or listed. The engine runs in its default
 * {@code trusted} identity mode, where a bare agent id would be believed: only the token decides.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class AgentIdentity_E2ETest {
    private static final String NS = "alice-private";
    private static final String KEY = "/v1/namespaces/" + NS + "/entries/secret";
    private static Http http;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() throws Exception {
        http = new Http(RunningDistribution.get().base);
        alice = http.token("alice", RunningDistribution.ALICE_SECRET);
        bob = http.token("bob", RunningDistribution.BOB_SECRET);
        assertEquals(201, http.send("POST", "/v1/namespaces", alice, Map.of("name", NS, "config",
                Map.of("defaultPermission", "none"))).status());
        assertEquals(201, http.send("PUT", KEY, alice, Map.of("value", "alice's secret")).status());
    }

    private static String state() throws Exception {
        return http.get("/v1/namespaces/" + NS + "/entries", alice).body() + http.get("/v1/namespaces/" + NS, alice)
                .body();
    }

    @Test
    void everyRouteOnAnotherAgentsNamespaceIsRefused_andChangesNothing() throws Exception {
        String before = state();
        Map<String, Http.Response> tries = new java.util.LinkedHashMap<>();
        tries.put("GET namespace", http.get("/v1/namespaces/" + NS, bob));
        tries.put("DELETE namespace", http.send("DELETE", "/v1/namespaces/" + NS, bob, null));
        tries.put("reconfigure", http.send("POST", "/v1/namespaces", bob, Map.of("name", NS, "config",
                Map.of("defaultPermission", "write"))));
        tries.put("clear", http.send("POST", "/v1/namespaces/" + NS + "/clear", bob, null));
        tries.put("GET permissions", http.get("/v1/namespaces/" + NS + "/permissions", bob));
        tries.put("PUT permissions", http.send("PUT", "/v1/namespaces/" + NS + "/permissions", bob,
                Map.of("bob", "admin")));
        tries.put("GET entry", http.get(KEY, bob));
        tries.put("PUT entry", http.send("PUT", KEY, bob, Map.of("value", "bob was here")));
        tries.put("DELETE entry", http.send("DELETE", KEY, bob, null));
        tries.put("keys", http.get("/v1/namespaces/" + NS + "/keys", bob));
        tries.put("entries", http.get("/v1/namespaces/" + NS + "/entries", bob));
        tries.put("broadcast", http.send("POST", "/v1/namespaces/" + NS + "/broadcasts", bob,
                Map.of("message", "hi")));
        tries.put("changes", http.get("/v1/namespaces/" + NS + "/changes", bob));
        List<String> wrong = new ArrayList<>();
        tries.forEach((what, r) -> {
            if (r.status() != 403) {
                wrong.add(what + ": " + r);
            }
        });
        assertEquals(List.of(), wrong);
        assertTrue(!http.get("/v1/namespaces", bob).body().contains(NS));
        assertTrue(!http.get("/v1/whoami", bob).body().contains(NS));
        assertTrue(!http.get("/v1/stats", bob).body().contains(NS));
        assertEquals(List.of(), http.get("/v1/access-log?namespace=" + NS, bob).list("entries"));
        assertTrue(http.get("/v1/access-log?agentId=alice&limit=1000", bob).list("entries").stream()
                .noneMatch(e -> NS.equals(e.get("namespace"))));
        assertEquals(before, state());
    }

    @Test
    void noWayOfNamingAnotherAgentIsBelieved() throws Exception {
        String before = state();
        // a query parameter naming alice: refused as unknown where the route takes none
        assertEquals(400, http.get(KEY + "?agentId=alice", bob).status());
        assertEquals(400, http.get(KEY + "?agent=alice", bob).status());
        // a body field naming alice: refused as unknown
        assertEquals(400, http.send("PUT", KEY, bob, Map.of("value", "x", "agentId", "alice")).status());
        assertEquals(400, http.send("POST", "/v1/namespaces", bob, Map.of("name", NS, "agentId", "alice"))
                .status());
        // headers naming alice are not read
        Http.Response header = http.raw("GET", KEY, null, List.of("Authorization", "Bearer " + bob,
                "X-Agent-Id", "alice", "X-Forwarded-User", "alice", "From", "alice"), null);
        assertEquals(403, header.status());
        // a path naming alice is no route
        assertEquals(404, http.get("/v1/agents/alice/namespaces/" + NS + "/entries/secret", bob).status());
        // signing in as alice needs alice's secret
        assertEquals(401, http.login("alice", RunningDistribution.BOB_SECRET).status());
        // the access log's agentId filter only filters: bob still sees only what he may read
        assertTrue(http.get("/v1/access-log?agentId=alice", bob).list("entries").stream()
                .noneMatch(e -> NS.equals(e.get("namespace"))));
        assertEquals("bob", http.get("/v1/whoami", bob).json().get("agentId"));
        assertEquals(before, state());

        // what bob does is logged as bob
        http.get(KEY, bob);
        List<Map<String, Object>> log = http.get("/v1/access-log?namespace=" + NS + "&success=false&limit=5", alice)
                .list("entries");
        assertTrue(!log.isEmpty() && log.stream().allMatch(e -> "bob".equals(e.get("agentId"))), log.toString());
    }
}
