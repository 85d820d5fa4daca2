package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every route but {@code POST /v1/sessions} needs a valid bearer token: missing, malformed, forged, tampered, expired
 * and foreign-key tokens are answered 401 with {@code WWW-Authenticate: Bearer} and change nothing; a token minted with
 * the server's key for a configured agent works, whoever minted it.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class HttpAuthentication_E2ETest {
    private static final List<String[]> ROUTES = List.of(
            new String[] {"GET", "/v1/whoami"}, new String[] {"GET", "/v1/namespaces"},
            new String[] {"POST", "/v1/namespaces"}, new String[] {"GET", "/v1/namespaces/tasks"},
            new String[] {"DELETE", "/v1/namespaces/tasks"}, new String[] {"POST", "/v1/namespaces/tasks/clear"},
            new String[] {"PUT", "/v1/namespaces/tasks/permissions"},
            new String[] {"GET", "/v1/namespaces/tasks/entries/k"},
            new String[] {"PUT", "/v1/namespaces/tasks/entries/k"},
            new String[] {"DELETE", "/v1/namespaces/tasks/entries/k"},
            new String[] {"GET", "/v1/namespaces/tasks/keys"}, new String[] {"GET", "/v1/namespaces/tasks/entries"},
            new String[] {"POST", "/v1/namespaces/tasks/broadcasts"},
            new String[] {"GET", "/v1/namespaces/tasks/changes"}, new String[] {"GET", "/v1/access-log"},
            new String[] {"GET", "/v1/stats"}, new String[] {"GET", "/v1/nothing"});

    private static RunningDistribution d;
    private static Http http;
    private static String alice;

    @BeforeAll
    static void start() throws Exception {
        d = RunningDistribution.get();
        http = new Http(d.base);
        alice = http.token("alice", RunningDistribution.ALICE_SECRET);
    }

    private static void assertUnauthenticated(Http.Response r, String what) {
        assertEquals(401, r.status(), what + ": " + r);
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm="), what);
        assertEquals("unauthenticated", r.json().get("error"), what);
        assertTrue(r.json().get("message") instanceof String, what);
    }

    @Test
    void everyRouteButSignInRefusesARequestWithoutAToken() throws Exception {
        for (String[] route : ROUTES) {
            Http.Response r = http.raw(route[0], route[1], route[0].equals("GET") || route[0].equals("DELETE")
                    ? null : "{\"value\":1}", List.of(), "application/json");
            assertUnauthenticated(r, route[0] + " " + route[1]);
        }
        assertEquals(404, http.get("/v1/namespaces/tasks/entries/k", alice).status(), "nothing was written");
    }

    @Test
    void malformedForgedTamperedExpiredAndForeignTokensAre401() throws Exception {
        String forgedSignature = alice.substring(0, alice.length() - 2)
                + (alice.endsWith("AA") ? "BB" : "AA");
        // the payload is base64url(agentId).expiry: claim bob with alice's signature
        String[] parts = alice.split("\\.");
        String claimsBob = Base64.getUrlEncoder().withoutPadding().encodeToString("bob".getBytes(
                StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
        String laterExpiry = parts[0] + "." + (Long.parseLong(parts[1]) + 86_400_000L) + "." + parts[2];
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String expired = d.authenticator(twoHoursAgo, Duration.ofHours(1)).issue("alice").orElseThrow().token();
        byte[] otherKey = new byte[32];
        new java.security.SecureRandom().nextBytes(otherKey);
        String otherKeyToken = io.sharedmemory.permissions.ConfiguredAuthenticator.builder()
                .tokenOnlyAgent("alice").signingKey(otherKey).build().issue("alice").orElseThrow().token();

        Map<String, List<String>> cases = Map.of(
                "Basic scheme", List.of("Authorization", "Basic YWxpY2U6c2VjcmV0"),
                "empty bearer", List.of("Authorization", "Bearer "),
                "two tokens", List.of("Authorization", "Bearer " + alice + " " + alice),
                "forged signature", List.of("Authorization", "Bearer " + forgedSignature),
                "payload claims another agent", List.of("Authorization", "Bearer " + claimsBob),
                "expiry extended", List.of("Authorization", "Bearer " + laterExpiry),
                "expired", List.of("Authorization", "Bearer " + expired),
                "signed with another key", List.of("Authorization", "Bearer " + otherKeyToken),
                "garbage", List.of("Authorization", "Bearer !!!not-a-token!!!"));
        for (Map.Entry<String, List<String>> c : cases.entrySet()) {
            assertUnauthenticated(http.raw("PUT", "/v1/namespaces/tasks/entries/auth", "{\"value\":1}", c.getValue(),
                    "application/json"), c.getKey());
            assertUnauthenticated(http.raw("GET", "/v1/whoami", null, c.getValue(), null), c.getKey());
        }
        assertEquals(404, http.get("/v1/namespaces/tasks/entries/auth", alice).status(), "nothing was written");
        List<Map<String, Object>> refusals = http.get("/v1/access-log?action=AUTHENTICATE&success=false&limit=100",
                alice).list("entries");
        assertTrue(refusals.isEmpty() || refusals.stream().allMatch(e -> "alice".equals(e.get("agentId"))),
                "alice sees only her own authentication entries: " + refusals);
    }

    @Test
    void aTokenMintedWithTheServersKeyForAConfiguredAgentIsAccepted_andNamesThatAgent() throws Exception {
        String minted = d.authenticator(Clock.systemUTC(), Duration.ofMinutes(5)).issue("carol").orElseThrow().token();
        Http.Response who = http.get("/v1/whoami", "" + minted);
        assertEquals(200, who.status(), who.body());
        assertEquals("carol", who.json().get("agentId"));
    }
}
