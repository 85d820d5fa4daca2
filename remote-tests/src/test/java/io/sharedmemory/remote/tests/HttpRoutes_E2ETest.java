package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@code /v1} route of the running distribution, through a real HTTP client: its success and each documented
 * refusal with its status (the table in the README), as alice (who creates the namespaces and so administers them) and
 * bob (another agent).
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class HttpRoutes_E2ETest {
    private static Http http;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void start() throws Exception {
        RunningDistribution d = RunningDistribution.get();
        http = new Http(d.base);
        alice = http.token("alice", RunningDistribution.ALICE_SECRET);
        bob = http.token("bob", RunningDistribution.BOB_SECRET);
    }

    static Map<String, Object> config(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Http.Response create(String token, String name, Map<String, Object> config) throws Exception {
        return http.send("POST", "/v1/namespaces", token, Map.of("name", name, "config", config));
    }

    @Test
    void sessions_signInGivesATokenOfTheAgent_aWrongSecretIs401() throws Exception {
        Http.Response ok = http.login("alice", RunningDistribution.ALICE_SECRET);
        assertEquals(201, ok.status(), ok.body());
        assertEquals("alice", ok.json().get("agentId"));
        assertTrue(Instant.parse((String) ok.json().get("expiresAt")).isAfter(Instant.now()));
        assertEquals("alice", http.get("/v1/whoami", (String) ok.json().get("token")).json().get("agentId"));

        for (Http.Response refused : List.of(http.login("alice", "wrong"), http.login("mallory", "x"),
                http.login("bob", RunningDistribution.ALICE_SECRET))) {
            assertEquals(401, refused.status(), refused.body());
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer "));
            assertEquals("unauthenticated", refused.json().get("error"));
        }
        Http.Response get = http.get("/v1/sessions", null);
        assertEquals(405, get.status());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void namespaces_createdByAnyAgent_reconfiguredOnlyByItsAdmin_deletedByItsAdmin() throws Exception {
        Http.Response created = create(alice, "routes-ns", config("defaultPermission", "none",
                "permissions", Map.of("bob", "read"), "conflictStrategy", "merge", "maxEntries", 10, "ttlMillis", 0));
        assertEquals(201, created.status(), created.body());
        assertEquals("admin", created.json().get("permission"));
        assertEquals(Map.of("defaultPermission", "none", "permissions", Map.of("bob", "read", "alice", "admin"),
                "conflictStrategy", "merge", "maxEntries", 10, "ttlMillis", 0), created.json().get("config"));

        assertTrue(http.get("/v1/namespaces", alice).list("namespaces").contains(Map.of("name", "routes-ns",
                "permission", "admin", "entries", 0, "config", created.json().get("config"))),
                "each namespace with the agent's permission, its configuration and its size");
        assertTrue(http.get("/v1/namespaces", bob).list("namespaces").contains(Map.of("name", "routes-ns",
                "permission", "read", "entries", 0, "config", Map.of("defaultPermission", "none",
                        "conflictStrategy", "merge", "maxEntries", 10, "ttlMillis", 0))),
                "per-agent permissions shown to admins only");
        Http.Response bobView = http.get("/v1/namespaces/routes-ns", bob);
        assertEquals(200, bobView.status());
        assertEquals("read", bobView.json().get("permission"));
        assertNull(((Map<?, ?>) bobView.json().get("config")).get("permissions"), "only admins see who else");

        Http.Response reconfigured = create(alice, "routes-ns", config("conflictStrategy", "latest-wins",
                "defaultPermission", "none", "permissions", Map.of("bob", "read")));
        assertEquals(200, reconfigured.status(), reconfigured.body());
        Http.Response hijack = create(bob, "routes-ns", config("defaultPermission", "write"));
        assertEquals(403, hijack.status(), hijack.body());
        assertEquals("forbidden", hijack.json().get("error"));
        assertEquals("latest-wins", ((Map<?, ?>) http.get("/v1/namespaces/routes-ns", alice).json().get("config"))
                .get("conflictStrategy"), "the refused reconfiguration changed nothing");
        List<Map<String, Object>> refusals = http.get("/v1/access-log?agentId=bob&namespace=routes-ns"
                + "&action=CREATE_NAMESPACE", alice).list("entries");
        assertEquals(1, refusals.size(), refusals.toString());
        assertEquals(false, refusals.get(0).get("success"));

        assertEquals(404, http.get("/v1/namespaces/no-such-ns", alice).status());
        assertEquals(403, http.send("DELETE", "/v1/namespaces/routes-ns", bob, null).status());
        Http.Response deleted = http.send("DELETE", "/v1/namespaces/routes-ns", alice, null);
        assertEquals(200, deleted.status());
        assertEquals(true, deleted.json().get("deleted"));
        assertEquals(404, http.get("/v1/namespaces/routes-ns", alice).status());
        assertEquals(404, http.send("DELETE", "/v1/namespaces/routes-ns", alice, null).status());
    }

    @Test
    void permissions_changedOnlyByTheAdmin_andTakeEffect() throws Exception {
        assertEquals(201, create(alice, "perm-ns", config("defaultPermission", "read")).status());
        assertEquals(403, http.send("PUT", "/v1/namespaces/perm-ns/entries/k", bob, Map.of("value", 1)).status());
        assertEquals(403, http.send("PUT", "/v1/namespaces/perm-ns/permissions", bob, Map.of("bob", "admin"))
                .status());
        assertEquals(403, http.get("/v1/namespaces/perm-ns/permissions", bob).status());

        Http.Response granted = http.send("PUT", "/v1/namespaces/perm-ns/permissions", alice,
                Map.of("bob", "write"));
        assertEquals(200, granted.status(), granted.body());
        assertEquals("write", ((Map<?, ?>) granted.json().get("permissions")).get("bob"));
        assertEquals(Map.of("alice", "admin", "bob", "write"),
                http.get("/v1/namespaces/perm-ns/permissions", alice).json().get("permissions"));
        assertEquals(201, http.send("PUT", "/v1/namespaces/perm-ns/entries/k", bob, Map.of("value", 1)).status());

        assertEquals(422, http.send("PUT", "/v1/namespaces/perm-ns/permissions", alice,
                Map.of("bob", "superuser")).status());
        assertEquals(404, http.send("PUT", "/v1/namespaces/no-such-ns/permissions", alice,
                Map.of("bob", "read")).status());
    }

    @Test
    void entries_eachWriteOutcomeHasItsStatus() throws Exception {
        assertEquals(201, create(alice, "entries-ns", config("conflictStrategy", "first-wins", "maxEntries", 2,
                "defaultPermission", "read")).status());
        String k1 = "/v1/namespaces/entries-ns/entries/k1";
        Http.Response first = http.send("PUT", k1, alice, Map.of("value", Map.of("a", 1), "metadata",
                Map.of("source", "test")));
        assertEquals(201, first.status(), first.body());
        assertEquals(Map.of("status", "WRITTEN", "version", 1), without(first.json(), "message"));
        assertNull(first.json().get("message"));

        Http.Response rejected = http.send("PUT", k1, alice, Map.of("value", 2));
        assertEquals(409, rejected.status());
        assertEquals("REJECTED", rejected.json().get("status"));
        Http.Response mismatch = http.send("PUT", k1, alice, Map.of("value", 2, "expectedVersion", 5));
        assertEquals(409, mismatch.status());
        assertEquals("VERSION_MISMATCH", mismatch.json().get("status"));
        assertEquals(1, mismatch.json().get("version"), "the current version");
        assertEquals(201, http.send("PUT", "/v1/namespaces/entries-ns/entries/k2", alice, Map.of("value", 2))
                .status());
        Http.Response full = http.send("PUT", "/v1/namespaces/entries-ns/entries/k3", alice, Map.of("value", 3));
        assertEquals(409, full.status());
        assertEquals("NAMESPACE_FULL", full.json().get("status"));
        Http.Response denied = http.send("PUT", k1, bob, Map.of("value", 9));
        assertEquals(403, denied.status());
        assertEquals("DENIED", denied.json().get("status"));
        Http.Response noNamespace = http.send("PUT", "/v1/namespaces/no-such-ns/entries/k", alice,
                Map.of("value", 1));
        assertEquals(404, noNamespace.status());
        assertEquals("NO_NAMESPACE", noNamespace.json().get("status"));
        Http.Response invalid = http.send("PUT", k1, alice, config("value", null));
        assertEquals(422, invalid.status());
        assertEquals("INVALID", invalid.json().get("status"));

        Http.Response read = http.get(k1, bob);
        assertEquals(200, read.status());
        assertEquals(Map.of("a", 1), read.json().get("value"));
        assertEquals(1, read.json().get("version"));
        assertEquals("alice", read.json().get("ownerId"));
        assertEquals(Map.of("source", "test"), read.json().get("metadata"));
        assertNotNull(Instant.parse((String) read.json().get("timestamp")));
        assertTrue(read.json().containsKey("expiresAt") && read.json().get("expiresAt") == null);
        assertEquals(404, http.get("/v1/namespaces/entries-ns/entries/nope", alice).status());
        assertEquals("not_found", http.get("/v1/namespaces/entries-ns/entries/nope", alice).json().get("error"));

        assertEquals(403, http.send("DELETE", k1, bob, null).status());
        assertEquals(200, http.send("DELETE", k1, alice, null).status());
        assertEquals(404, http.send("DELETE", k1, alice, null).status());
        assertEquals(404, http.get(k1, alice).status());

        assertEquals(201, create(alice, "missing-strategy-ns", config("conflictStrategy", "not-installed")).status());
        Http.Response unavailable = http.send("PUT", "/v1/namespaces/missing-strategy-ns/entries/k", alice,
                Map.of("value", 1));
        assertEquals(503, unavailable.status(), unavailable.body());
        assertEquals("STRATEGY_UNAVAILABLE", unavailable.json().get("status"));
    }

    @Test
    void entries_withATtlReportTheirExpiry_andMergeMerges() throws Exception {
        assertEquals(201, create(alice, "ttl-ns", config("ttlMillis", 3_600_000, "conflictStrategy", "merge"))
                .status());
        assertEquals(201, http.send("PUT", "/v1/namespaces/ttl-ns/entries/m", alice, Map.of("value",
                Map.of("a", 1))).status());
        Http.Response merged = http.send("PUT", "/v1/namespaces/ttl-ns/entries/m", alice, Map.of("value",
                Map.of("b", 2)));
        assertEquals(200, merged.status());
        assertEquals(2, merged.json().get("version"));
        Map<String, Object> e = http.get("/v1/namespaces/ttl-ns/entries/m", alice).json();
        assertEquals(Map.of("a", 1, "b", 2), e.get("value"));
        assertTrue(Instant.parse((String) e.get("expiresAt")).isAfter(Instant.now().plusSeconds(3000)));
    }

    @Test
    void keysAndEntries_comeInPagesByPrefixAndCursor_andKeysMayHoldSlashes() throws Exception {
        assertEquals(201, create(alice, "paged-ns", config()).status());
        for (int i = 0; i < 25; i++) {
            assertEquals(201, http.send("PUT", String.format("/v1/namespaces/paged-ns/entries/a-%02d", i), alice,
                    Map.of("value", i)).status());
        }
        assertEquals(201, http.send("PUT", "/v1/namespaces/paged-ns/entries/b-1", alice, Map.of("value", "b"))
                .status());

        List<Object> keys = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Response page = http.get("/v1/namespaces/paged-ns/keys?prefix=a-&limit=10"
                    + (cursor == null ? "" : "&cursor=" + cursor), alice);
            assertEquals(200, page.status(), page.body());
            keys.addAll((List<?>) page.json().get("keys"));
            cursor = (String) page.json().get("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(25, keys.size());
        assertEquals("a-00", keys.get(0));
        assertEquals("a-24", keys.get(24));

        Http.Response entries = http.get("/v1/namespaces/paged-ns/entries?prefix=a-1&limit=5", alice);
        assertEquals(200, entries.status());
        assertEquals(List.of(Map.of("key", "a-10", "value", 10), Map.of("key", "a-11", "value", 11),
                Map.of("key", "a-12", "value", 12), Map.of("key", "a-13", "value", 13),
                Map.of("key", "a-14", "value", 14)), entries.json().get("entries"));
        Http.Response rest = http.get("/v1/namespaces/paged-ns/entries?prefix=a-1&limit=5&cursor="
                + entries.json().get("nextCursor"), alice);
        assertEquals(5, rest.list("entries").size());
        assertNull(rest.json().get("nextCursor"));
        assertEquals(26, ((List<?>) http.get("/v1/namespaces/paged-ns/keys?limit=1000", alice).json().get("keys"))
                .size());
        assertEquals(26, ((List<?>) http.get("/v1/namespaces/paged-ns/keys", alice).json().get("keys")).size(),
                "the default page (100 keys) holds all 26");

        assertEquals(201, http.send("PUT", "/v1/namespaces/paged-ns/entries/dir/sub/file.txt", alice,
                Map.of("value", "nested")).status());
        assertEquals("nested", http.get("/v1/namespaces/paged-ns/entries/dir/sub/file.txt", alice).json()
                .get("value"));
        assertTrue(((List<?>) http.get("/v1/namespaces/paged-ns/keys?prefix=dir/", alice).json().get("keys"))
                .contains("dir/sub/file.txt"));
        assertEquals(201, http.send("PUT", "/v1/namespaces/paged-ns/entries/caf%C3%A9%20cr%C3%A8me", alice,
                Map.of("value", "utf8")).status());
        assertTrue(((List<?>) http.get("/v1/namespaces/paged-ns/keys?prefix=caf", alice).json().get("keys"))
                .contains("café crème"));
    }

    @Test
    void clear_removesEveryEntryForTheAdminOnly() throws Exception {
        assertEquals(201, create(alice, "clear-ns", config()).status());
        assertEquals(201, http.send("PUT", "/v1/namespaces/clear-ns/entries/x", alice, Map.of("value", 1))
                .status());
        assertEquals(403, http.send("POST", "/v1/namespaces/clear-ns/clear", bob, null).status());
        assertEquals(200, http.get("/v1/namespaces/clear-ns/entries/x", alice).status());
        assertEquals(200, http.send("POST", "/v1/namespaces/clear-ns/clear", alice, null).status());
        assertEquals(404, http.get("/v1/namespaces/clear-ns/entries/x", alice).status());
        assertEquals(404, http.send("POST", "/v1/namespaces/no-such-ns/clear", alice, null).status());
    }

    @Test
    void broadcasts_needReadPermission() throws Exception {
        assertEquals(201, create(alice, "bc-ns", config("defaultPermission", "none")).status());
        assertEquals(200, http.send("POST", "/v1/namespaces/bc-ns/broadcasts", alice, Map.of("message",
                Map.of("hello", "world"))).status());
        assertEquals(403, http.send("POST", "/v1/namespaces/bc-ns/broadcasts", bob, Map.of("message", "hi"))
                .status());
        assertEquals(404, http.send("POST", "/v1/namespaces/no-such-ns/broadcasts", alice, Map.of("message", "x"))
                .status());
    }

    @Test
    void accessLogAndStats_showOnlyNamespacesTheCallerMayRead() throws Exception {
        assertEquals(201, create(alice, "private-ns", config("defaultPermission", "none")).status());
        assertEquals(201, http.send("PUT", "/v1/namespaces/private-ns/entries/secret", alice, Map.of("value", 1))
                .status());
        List<Map<String, Object>> mine = http.get("/v1/access-log?namespace=private-ns&action=write", alice)
                .list("entries");
        assertEquals(1, mine.size(), mine.toString());
        assertEquals("alice", mine.get(0).get("agentId"));
        assertEquals("secret", mine.get(0).get("key"));
        assertEquals(true, mine.get(0).get("success"));

        assertEquals(List.of(), http.get("/v1/access-log?namespace=private-ns", bob).list("entries"));
        assertTrue(http.get("/v1/access-log?limit=1000", bob).list("entries").stream()
                .noneMatch(e -> "private-ns".equals(e.get("namespace"))));
        assertEquals(3, http.get("/v1/access-log?limit=3", alice).list("entries").size());
        assertEquals(400, http.get("/v1/access-log?action=fly", alice).status());
        assertEquals(400, http.get("/v1/access-log?limit=0", alice).status());

        Http.Response aliceStats = http.get("/v1/stats", alice);
        assertEquals(200, aliceStats.status());
        assertTrue(aliceStats.list("namespaceDetails").stream().anyMatch(n -> n.get("name").equals("private-ns")
                && ((Number) n.get("entries")).intValue() == 1));
        assertTrue(http.get("/v1/stats", bob).list("namespaceDetails").stream()
                .noneMatch(n -> n.get("name").equals("private-ns")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(String token, String ns) throws Exception {
        return http.get("/v1/stats", token).list("namespaceDetails").stream().filter(n -> n.get("name").equals(ns))
                .findFirst().orElse(null);
    }

    @Test
    void stats_countReadsWritesAndRefusals_inTheNamespacesTheCallerMayRead() throws Exception {
        assertEquals(201, create(alice, "counted-ns", config("defaultPermission", "none",
                "permissions", Map.of("bob", "read"))).status());
        for (int i = 0; i < 3; i++) {
            assertEquals(201, http.send("PUT", "/v1/namespaces/counted-ns/entries/k" + i, alice, Map.of("value", i))
                    .status());
        }
        assertEquals(200, http.get("/v1/namespaces/counted-ns/entries/k0", bob).status());
        assertEquals(404, http.get("/v1/namespaces/counted-ns/entries/nothing", bob).status(), "a read, not a refusal");
        assertEquals(403, http.send("PUT", "/v1/namespaces/counted-ns/entries/k0", bob, Map.of("value", 9)).status());
        assertEquals(201, create(alice, "uncounted-for-bob", config("defaultPermission", "none")).status());
        assertEquals(201, http.send("PUT", "/v1/namespaces/uncounted-for-bob/entries/k", alice, Map.of("value", 1))
                .status());

        // the counters are sampled every 2 s: wait for the interval that holds these operations
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Map.of("reads", 2, "writes", 3, "refusals", 1)
                .equals(detail(alice, "counted-ns").get("operations")));
        Map<String, Object> stats = http.get("/v1/stats", bob).json();
        assertEquals(Map.of("reads", 2, "writes", 3, "refusals", 1), detail(bob, "counted-ns").get("operations"),
                "a reader of the namespace sees its counts");
        assertNull(detail(bob, "uncounted-for-bob"), "not a namespace bob may read");
        Map<?, ?> ops = (Map<?, ?>) stats.get("operations");
        assertEquals(2000, ops.get("intervalMillis"));
        assertEquals(150, ((List<?>) ops.get("writes")).size(), "five minutes of 2 s intervals, oldest first");
        assertNotNull(Instant.parse((String) ops.get("end")));
        long counted = ((List<?>) ops.get("writes")).stream().mapToLong(n -> ((Number) n).longValue()).sum();
        assertTrue(counted >= 3, "the per-interval sums hold the writes too: " + ops);
    }

    @Test
    @SuppressWarnings("unchecked")
    void plugins_listEveryKindWithRankingBundleAndUse_toEveryAgent() throws Exception {
        Http.Response r = http.get("/v1/plugins", bob);
        assertEquals(200, r.status(), r.body());
        Map<String, Object> p = r.json();
        List<Map<String, Object>> strategies = (List<Map<String, Object>>) p.get("strategies");
        for (String name : List.of("latest-wins", "first-wins", "merge", "version", "custom")) {
            Map<String, Object> s = strategies.stream().filter(x -> name.equals(x.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " in " + strategies));
            assertEquals(true, s.get("inUse"), name);
            assertEquals(0, s.get("ranking"));
            assertTrue(((Number) s.get("serviceId")).longValue() > 0);
            assertEquals("io.sharedmemory.strategies", ((Map<?, ?>) s.get("bundle")).get("symbolicName"));
            assertTrue(((String) s.get("component")).startsWith("io.sharedmemory.strategies."), s.toString());
        }
        List<Map<String, Object>> providers = (List<Map<String, Object>>) p.get("permissionProviders");
        assertEquals(1, providers.stream().filter(x -> Boolean.TRUE.equals(x.get("inUse"))).count(), "one decides");
        assertEquals(true, providers.get(0).get("inUse"), "the best comes first");
        List<Map<String, Object>> sinks = (List<Map<String, Object>>) p.get("auditSinks");
        assertTrue(sinks.stream().allMatch(x -> Boolean.TRUE.equals(x.get("inUse"))), "every sink is in use");
        assertTrue(sinks.stream().anyMatch(x -> String.valueOf(x.get("component")).contains("counts reads, writes")
                && "io.sharedmemory.remote.http".equals(((Map<?, ?>) x.get("bundle")).get("symbolicName"))),
                "the HTTP API's counting sink: " + sinks);
        assertTrue(sinks.stream().anyMatch(x -> "io.sharedmemory.audit".equals(((Map<?, ?>) x.get("bundle"))
                .get("symbolicName"))), "the audit bundle's sinks: " + sinks);
        List<Map<String, Object>> authenticators = (List<Map<String, Object>>) p.get("authenticators");
        assertEquals(true, authenticators.get(0).get("inUse"));
        assertEquals("io.sharedmemory.permissions", ((Map<?, ?>) authenticators.get(0).get("bundle"))
                .get("symbolicName"));
        List<Map<String, Object>> stores = (List<Map<String, Object>>) p.get("stores");
        // the distribution as shipped: the durable file store in use, the engine's in-memory one beside it
        Map<String, Object> file = stores.stream().filter(x -> "file".equals(x.get("name"))).findFirst()
                .orElseThrow();
        assertEquals(true, file.get("inUse"));
        assertEquals(Set.of("DURABLE", "LOCAL_STEP"), Set.copyOf((List<?>) file.get("capabilities")));
        assertEquals("io.sharedmemory.store.file", ((Map<?, ?>) file.get("bundle")).get("symbolicName"));
        Map<String, Object> memory = stores.stream().filter(x -> "memory".equals(x.get("name"))).findFirst()
                .orElseThrow();
        assertEquals(false, memory.get("inUse"));
        assertEquals("io.sharedmemory.engine", ((Map<?, ?>) memory.get("bundle")).get("symbolicName"));
        assertEquals("file", ((Map<?, ?>) p.get("store")).get("store"), "the facts of the store in use");
        assertEquals(false, p.get("clustered"));
        assertEquals(0, p.get("auditFailures"));
        assertEquals(405, http.send("POST", "/v1/plugins", bob, null).status());
        assertEquals(400, http.get("/v1/plugins?agentId=alice", bob).status());
        assertEquals(401, http.get("/v1/plugins", null).status());
    }

    @Test
    void whoami_namesTheTokensAgentAndItsPermissions() throws Exception {
        assertEquals(201, create(bob, "bobs-ns", config("defaultPermission", "none")).status());
        Map<String, Object> who = http.get("/v1/whoami", bob).json();
        assertEquals("bob", who.get("agentId"));
        assertTrue(((List<?>) who.get("namespaces")).contains(Map.of("name", "bobs-ns", "permission", "admin")));
        assertTrue(((List<?>) http.get("/v1/whoami", alice).json().get("namespaces")).stream()
                .noneMatch(n -> ((Map<?, ?>) n).get("name").equals("bobs-ns")));
    }

    @Test
    void unknownRoutesAre404_wrongMethods405WithAllow() throws Exception {
        assertEquals(404, http.get("/v1/nothing", alice).status());
        assertEquals("not_found", http.get("/v1/nothing", alice).json().get("error"));
        assertEquals(404, http.get("/v1/namespaces/tasks/nothing", alice).status());
        Http.Response wrong = http.send("PATCH", "/v1/namespaces/tasks/entries/x", alice, Map.of("value", 1));
        assertEquals(405, wrong.status());
        assertEquals("GET, PUT, DELETE", wrong.headers().firstValue("Allow").orElse(""));
        assertEquals(405, http.send("POST", "/v1/stats", alice, null).status());
    }

    private static Map<String, Object> without(Map<String, Object> m, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(m);
        copy.remove(key);
        return copy;
    }
}
