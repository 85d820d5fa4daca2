package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API's operation counters are an audit sink that records nothing, so they must not stand in for a recording
 * one: with the engine's {@code requireAuditSink=true}, stopping the audit bundle (the recording sinks) takes the
 * counting sink away too, and the memory refuses writes with {@code AUDIT_UNAVAILABLE} instead of letting them happen
 * unrecorded; starting it again brings both back. The distribution is changed as an operator would change it — its
 * engine file in {@code conf/}, {@code stop} and {@code start} in its shell — and restored at the end.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class CountingSink_RequireAuditSinkE2ETest {
    private static final Pattern AUDIT_BUNDLE = Pattern.compile("(\\d+)\\|\\w+\\s*\\|\\s*\\d+\\|io\\.sharedmemory\\.audit ");

    @Test
    void withRequireAuditSink_theCountingSinkAloneLetsNothingThrough() throws Exception {
        RunningDistribution d = RunningDistribution.get();
        Http http = new Http(d.base);
        String alice = http.token("alice", RunningDistribution.ALICE_SECRET);
        assertEquals(201, http.send("POST", "/v1/namespaces", alice, Map.of("name", "gated-ns", "config",
                Map.of("defaultPermission", "none"))).status());
        Path cfg = d.dir.resolve("conf/io.sharedmemory.engine.cfg");
        String original = Files.readString(cfg, StandardCharsets.UTF_8);
        String listing = d.console("lb -s io.sharedmemory.audit", "io.sharedmemory.audit (");
        Matcher m = AUDIT_BUNDLE.matcher(d.outputText());
        assertTrue(m.find(), listing);
        String auditBundle = m.group(1);
        try {
            Files.writeString(cfg, original.replace("requireAuditSink=false", "requireAuditSink=true"),
                    StandardCharsets.UTF_8);
            d.console("stop " + auditBundle + "; echo audit-stopped", "audit-stopped");
            Http.Response[] last = new Http.Response[1];
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    last[0] = http.send("PUT", "/v1/namespaces/gated-ns/entries/k", alice, Map.of("value", 1));
                    return last[0].status() == 503 && "AUDIT_UNAVAILABLE".equals(last[0].json().get("status"));
                });
            } catch (ConditionTimeoutException e) {
                fail("no write refused for want of an audit sink; the last answer: " + last[0].status() + " "
                        + last[0].json() + "; the sinks: " + http.get("/v1/plugins", alice).json().get("auditSinks"),
                        e);
            }
            assertEquals(List.of(), http.get("/v1/plugins", alice).json().get("auditSinks"),
                    "no recording sink, so no counting sink either");
        } finally {
            Files.writeString(cfg, original, StandardCharsets.UTF_8);
            d.console("start " + auditBundle + "; echo audit-started", "audit-started");
        }
        // 201 or 200: a write made before the configuration file was read (no sink required yet) may have created it
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> List.of(200, 201).contains(http.send("PUT",
                "/v1/namespaces/gated-ns/entries/k", alice, Map.of("value", 2)).status()));
        assertTrue(((List<?>) http.get("/v1/plugins", alice).json().get("auditSinks")).stream()
                .anyMatch(s -> String.valueOf(((Map<?, ?>) s).get("component")).contains("counts reads")),
                "the counting sink is back with the recording ones");
    }
}
