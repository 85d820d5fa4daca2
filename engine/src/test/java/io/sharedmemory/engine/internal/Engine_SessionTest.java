package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AgentAuthenticator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sessions of the authenticated mode, operation by operation: each acts as the proven agent while open, and each is
 * refused — and the refusal recorded with the operation, namespace, key and reason — once the session is closed or
 * expired. The session request itself: every way an authenticator can fail to prove an identity is a refusal.
 */
class Engine_SessionTest {
    private static final long T0 = 5_000_000L;
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final MutableClock clock = new MutableClock(T0);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private Function<Credentials, Optional<AgentAuthenticator.Identity>> answer;
    private Engine engine;

    @BeforeEach
    void start() {
        answer = c -> Optional.of(new AgentAuthenticator.Identity(c.agentId(),
                Instant.ofEpochMilli(clock.millis() + 1000), "t-" + c.agentId()));
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        registry.addAuthenticator(c -> answer.apply(c), 0, 4, "test");
        engine = new Engine(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO)
                .identity(IdentityMode.AUTHENTICATED).build(), registry, null);
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    private AgentSession login(String agent) {
        return engine.session(Credentials.secret(agent, "pw".toCharArray()));
    }

    private AccessLogEntry last() {
        synchronized (log) {
            return log.entries.get(log.entries.size() - 1);
        }
    }

    @Test
    void anOpenSession_actsAsItsAgent_inEveryOperation() {
        AgentSession s = login("alice");
        assertEquals(new AccessLogEntry(T0, "alice", AccessAction.AUTHENTICATE, null, null, true, null), last());
        assertEquals("alice", s.agentId());
        assertEquals("t-alice", s.token());
        assertEquals(Instant.ofEpochMilli(T0 + 1000), s.expiresAt());
        assertTrue(s.isOpen());
        assertEquals(WriteResult.written(1), s.write("ns", "k", "v"));
        assertEquals(2, s.write("ns", "k", "w", WriteOptions.builder().expectedVersion(1).build()).version());
        assertEquals("w", s.read("ns", "k"));
        assertEquals("alice", s.readEntry("ns", "k").orElseThrow().ownerId());
        assertEquals(List.of("k"), s.getKeys("ns"));
        assertEquals(Map.of("k", "w"), s.getAll("ns"));
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        Subscription sub = s.subscribe("ns", seen::add);
        assertEquals("alice", sub.agentId());
        s.broadcast("ns", "hello");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertEquals("alice", seen.get(0).agentId());
        assertTrue(s.delete("ns", "k"));
        assertTrue(s.updatePermissions("ns", Map.of("bob", Permission.READ)));
        assertEquals(Map.of("bob", Permission.READ), engine.getNamespaceConfig("ns").orElseThrow().permissions());
        assertTrue(s.clearNamespace("ns"));
        assertTrue(s.deleteNamespace("ns"));
        assertEquals(List.of(), engine.getNamespaces());
        for (AccessLogEntry e : log.entries) {
            assertEquals("alice", e.agentId(), e.toString());
            assertTrue(e.success(), e.toString());
        }
        assertEquals("AgentSession[alice, expiresAt=" + Instant.ofEpochMilli(T0 + 1000) + "]", s.toString());
    }

    private void assertRefusedEverywhere(AgentSession s, String why) {
        int before = log.entries.size();
        assertEquals(WriteResult.refused(Status.DENIED, 0, why), s.write("ns", "k", 1));
        assertEquals(new AccessLogEntry(clock.millis(), s.agentId(), AccessAction.WRITE, "ns", "k", false, why),
                last());
        assertEquals(WriteResult.refused(Status.DENIED, 0, why),
                s.write("ns", "k", 1, WriteOptions.builder().expectedVersion(1).build()));
        assertNull(s.read("ns", "k"));
        assertEquals(new AccessLogEntry(clock.millis(), s.agentId(), AccessAction.READ, "ns", "k", false, why),
                last());
        assertEquals(Optional.empty(), s.readEntry("ns", "k"));
        assertEquals(AccessAction.READ, last().action());
        assertFalse(s.delete("ns", "k"));
        assertEquals(new AccessLogEntry(clock.millis(), s.agentId(), AccessAction.DELETE, "ns", "k", false, why),
                last());
        assertNull(s.getKeys("ns"));
        assertEquals(new AccessLogEntry(clock.millis(), s.agentId(), AccessAction.READ, "ns", null, false, why),
                last());
        assertNull(s.getAll("ns"));
        assertEquals(AccessAction.READ, last().action());
        assertEquals(why, assertThrows(AccessDeniedException.class, () -> s.subscribe("ns", e -> { }))
                .getMessage());
        assertEquals(AccessAction.SUBSCRIBE, last().action());
        assertEquals(why, assertThrows(AccessDeniedException.class, () -> s.broadcast("ns", "m")).getMessage());
        assertEquals(AccessAction.BROADCAST, last().action());
        assertFalse(s.clearNamespace("ns"));
        assertEquals(AccessAction.CLEAR, last().action());
        assertFalse(s.updatePermissions("ns", Map.of("bob", Permission.NONE)));
        assertEquals(AccessAction.UPDATE_PERMISSIONS, last().action());
        assertFalse(s.deleteNamespace("ns"));
        assertEquals(new AccessLogEntry(clock.millis(), s.agentId(), AccessAction.DELETE_NAMESPACE, "ns", null, false,
                why), last());
        assertEquals(12, log.entries.size() - before, "every refusal recorded once");
        assertTrue(log.entries.subList(before, log.entries.size()).stream()
                .allMatch(e -> !e.success() && why.equals(e.error())));
        assertFalse(s.isOpen());
        assertTrue(s.toString().endsWith(", closed]"), s.toString());
        // nothing happened
        assertEquals(List.of("ns"), engine.getNamespaces());
        assertEquals(Map.of(), engine.getNamespaceConfig("ns").orElseThrow().permissions());
    }

    @Test
    void aClosedSession_isRefusedEverywhere() {
        AgentSession s = login("alice");
        s.write("ns", "keep", 1);
        s.close();
        assertRefusedEverywhere(s, "Session closed");
        assertEquals(Map.of("keep", 1), login("bob").getAll("ns"));
    }

    @Test
    void anExpiredSession_isRefusedEverywhere_fromItsExpiryOn() {
        AgentSession s = login("alice");
        clock.advanceMillis(999);
        assertTrue(s.isOpen());
        assertTrue(s.write("ns", "k", 1).isWritten());
        clock.advanceMillis(1);
        assertFalse(s.isOpen());
        assertRefusedEverywhere(s, "Session expired");
    }

    @Test
    void aSessionClosedAfterExpiry_saysClosed() {
        AgentSession s = login("alice");
        clock.advanceMillis(5000);
        s.close();
        assertNull(s.read("ns", "k"));
        assertEquals("Session closed", last().error());
    }

    private void assertLoginRefused(String claimed, String recorded) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> login(claimed));
        assertEquals(Identity.AUTH_FAILED_TEXT, e.getMessage());
        assertEquals(new AccessLogEntry(clock.millis(), claimed, AccessAction.AUTHENTICATE, null, null, false,
                recorded), last());
    }

    @Test
    void everyFailureToProveAnIdentity_isTheSameRefusal() {
        answer = c -> Optional.empty();
        assertLoginRefused("a", Identity.AUTH_FAILED_TEXT);
        answer = c -> null;
        assertLoginRefused("b", Identity.AUTH_FAILED_TEXT);
        answer = c -> {
            throw new IllegalStateException("key store unavailable");
        };
        assertLoginRefused("c", Identity.AUTH_FAILED_TEXT);
        answer = c -> {
            throw new NoClassDefFoundError("bundle stopped");
        };
        assertLoginRefused("d", Identity.AUTH_FAILED_TEXT);
        // an identity that has already expired, or expires this very millisecond
        answer = c -> Optional.of(new AgentAuthenticator.Identity("e", clock.instant(), "t"));
        assertLoginRefused("e", Identity.AUTH_FAILED_TEXT);
        answer = c -> Optional.of(new AgentAuthenticator.Identity("f", clock.instant().minusMillis(1), "t"));
        assertLoginRefused("f", Identity.AUTH_FAILED_TEXT);
        // an agent id the memory would refuse anyway
        answer = c -> Optional.of(new AgentAuthenticator.Identity(" ", clock.instant().plusSeconds(1), "t"));
        assertLoginRefused("g", Identity.AUTH_FAILED_TEXT);
        // one millisecond of validity is enough
        answer = c -> Optional.of(new AgentAuthenticator.Identity("h", clock.instant().plusMillis(1), "t"));
        assertEquals("h", login("anyone").agentId());
        assertEquals(new AccessLogEntry(clock.millis(), "h", AccessAction.AUTHENTICATE, null, null, true, null),
                last());
    }

    @Test
    void aFatalErrorInTheAuthenticator_isNotSwallowed() {
        answer = c -> {
            throw new OutOfMemoryError("simulated");
        };
        assertThrows(OutOfMemoryError.class, () -> login("a"));
    }

    @Test
    void withoutAnAuthenticator_theRecordSaysSo() {
        RankedPluginRegistry bare = new RankedPluginRegistry();
        bare.addAuditSink(log, 0, 1, "test");
        Engine other = new Engine(TestStores.options().clock(clock).identity(IdentityMode.AUTHENTICATED)
                .build(), bare, null);
        try {
            assertThrows(AccessDeniedException.class,
                    () -> other.session(Credentials.secret("a", "pw".toCharArray())));
            assertEquals(new AccessLogEntry(T0, "a", AccessAction.AUTHENTICATE, null, null, false,
                    "No authenticator is present"), last());
            assertThrows(NullPointerException.class, () -> other.session(null));
            other.destroy();
            assertThrows(IllegalStateException.class, () -> other.session(Credentials.token("x")));
        } finally {
            other.destroy();
        }
    }

    @Test
    void bareIds_areRefusedWithTheOperationRecorded() {
        engine.write("ns", "k", 1, "alice");
        assertEquals(new AccessLogEntry(T0, "alice", AccessAction.WRITE, "ns", "k", false,
                Operation.SESSION_REQUIRED_TEXT), last());
        assertEquals(WriteResult.refused(Status.DENIED, 0, Operation.SESSION_REQUIRED_TEXT),
                engine.write("ns", "k", 1, "alice", WriteOptions.none()));
        engine.readEntry("ns", "k", "alice");
        assertEquals(new AccessLogEntry(T0, "alice", AccessAction.READ, "ns", "k", false,
                Operation.SESSION_REQUIRED_TEXT), last());
        engine.delete("ns", "k", "alice");
        assertEquals(AccessAction.DELETE, last().action());
        engine.getKeys("ns", "alice");
        assertEquals(new AccessLogEntry(T0, "alice", AccessAction.READ, "ns", null, false,
                Operation.SESSION_REQUIRED_TEXT), last());
        engine.getAll("ns", "alice");
        assertEquals(AccessAction.READ, last().action());
        assertEquals(Operation.SESSION_REQUIRED_TEXT, assertThrows(AccessDeniedException.class,
                () -> engine.subscribe("ns", "alice", e -> { })).getMessage());
        assertEquals(AccessAction.SUBSCRIBE, last().action());
        assertEquals(Operation.SESSION_REQUIRED_TEXT, assertThrows(AccessDeniedException.class,
                () -> engine.broadcast("ns", "m", "alice")).getMessage());
        assertEquals(AccessAction.BROADCAST, last().action());
        engine.clearNamespace("ns", "alice");
        assertEquals(AccessAction.CLEAR, last().action());
        engine.updatePermissions("ns", Map.of(), "alice");
        assertEquals(AccessAction.UPDATE_PERMISSIONS, last().action());
        engine.deleteNamespace("ns", "alice");
        assertEquals(new AccessLogEntry(T0, "alice", AccessAction.DELETE_NAMESPACE, "ns", null, false,
                Operation.SESSION_REQUIRED_TEXT), last());
        assertEquals(List.of("ns"), engine.getNamespaces());
    }

    @Test
    void inTrustedMode_bareIdsAct() {
        engine.reconfigure(TestStores.options().clock(clock).identity(IdentityMode.TRUSTED).build());
        assertEquals(IdentityMode.TRUSTED, engine.identityMode());
        assertTrue(engine.write("ns", "k", 1, "alice").isWritten());
        assertEquals(Optional.of(1), engine.readEntry("ns", "k", "bob").map(e -> e.value()));
        assertEquals(List.of("k"), engine.getKeys("ns", "bob"));
        assertEquals(Map.of("k", 1), engine.getAll("ns", "bob"));
        assertTrue(engine.delete("ns", "k", "bob"));
        assertTrue(engine.updatePermissions("ns", Map.of("x", Permission.READ), "bob"));
        assertTrue(engine.clearNamespace("ns", "bob"));
        engine.broadcast("ns", "m", "bob");
        engine.subscribe("ns", "bob", e -> { }).unsubscribe();
        assertTrue(engine.deleteNamespace("ns", "bob"));
    }
}
