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
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AgentAuthenticator;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions bind an identity; authenticated mode refuses every bare agent id. */
class Engine_IdentityTest {
    private final io.sharedmemory.engine.internal.TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final MutableClock clock = new MutableClock(1_000_000L);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private Engine engine;

    /** Accepts "alice"/"secret" only; tokens are "token:alice". */
    private final AgentAuthenticator authenticator = credentials -> {
        Instant until = Instant.ofEpochMilli(clock.millis()).plusSeconds(60);
        if (credentials.token() != null) {
            return credentials.token().equals("token:alice")
                    ? Optional.of(new AgentAuthenticator.Identity("alice", until, "token:alice")) : Optional.empty();
        }
        return "alice".equals(credentials.agentId()) && Arrays.equals("secret".toCharArray(), credentials.secret())
                ? Optional.of(new AgentAuthenticator.Identity("alice", until, "token:alice")) : Optional.empty();
    };

    @BeforeEach
    void start() {
        registry.addStrategy(TestPlugins.latestWins(), "latest-wins", 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        registry.addAuthenticator(authenticator, 0, 4, "test");
        engine = new Engine(TestStores.options().clock(clock).identity(IdentityMode.AUTHENTICATED).build(),
                registry, null);
        engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.NONE)
                .permission("alice", Permission.ADMIN).build());
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    @Test
    void bareAgentIdsAreRefusedEverywhere() {
        assertEquals(IdentityMode.AUTHENTICATED, engine.identityMode());
        assertEquals(Status.DENIED, engine.write("ns", "k", 1, "alice").status());
        assertNull(engine.read("ns", "k", "alice"));
        assertTrue(engine.readEntry("ns", "k", "alice").isEmpty());
        assertFalse(engine.delete("ns", "k", "alice"));
        assertNull(engine.getKeys("ns", "alice"));
        assertNull(engine.getAll("ns", "alice"));
        assertThrows(AccessDeniedException.class, () -> engine.subscribe("ns", "alice", e -> { }));
        assertThrows(AccessDeniedException.class, () -> engine.broadcast("ns", "x", "alice"));
        assertFalse(engine.clearNamespace("ns", "alice"));
        assertFalse(engine.updatePermissions("ns", Map.of("bob", Permission.READ), "alice"));
        assertFalse(engine.deleteNamespace("ns", "alice"));
        assertEquals(11, log.entries.stream().filter(e -> !e.success()
                && Operation.SESSION_REQUIRED_TEXT.equals(e.error())).count());
        assertTrue(engine.getNamespaceConfig("ns").isPresent());
    }

    @Test
    void sessionActsAsTheProvenAgentOnly() {
        AgentSession s = engine.session(Credentials.secret("alice", "secret".toCharArray()));
        assertEquals("alice", s.agentId());
        assertTrue(s.write("ns", "k", 1).isWritten());
        assertEquals(1, (int) s.read("ns", "k"));
        assertEquals("alice", s.readEntry("ns", "k").orElseThrow().ownerId());
        assertTrue(s.updatePermissions("ns", Map.of("bob", Permission.READ)));
        AgentSession again = engine.session(Credentials.token(s.token()));
        assertEquals("alice", again.agentId());
        for (AccessLogEntry e : log.entries) {
            if (e.success()) {
                assertEquals("alice", e.agentId(), e.toString());
            }
        }
    }

    @Test
    void badCredentialsAreRefusedWithoutSayingWhy() {
        AccessDeniedException wrong = assertThrows(AccessDeniedException.class,
                () -> engine.session(Credentials.secret("alice", "guess".toCharArray())));
        AccessDeniedException unknown = assertThrows(AccessDeniedException.class,
                () -> engine.session(Credentials.secret("mallory", "secret".toCharArray())));
        assertEquals(wrong.getMessage(), unknown.getMessage());
        assertThrows(AccessDeniedException.class, () -> engine.session(Credentials.token("token:mallory")));
        registry.removeAuthenticator(authenticator);
        assertThrows(AccessDeniedException.class,
                () -> engine.session(Credentials.secret("alice", "secret".toCharArray())));
        assertEquals(4, log.entries.stream().filter(e -> e.action() == AccessAction.AUTHENTICATE && !e.success())
                .count());
    }

    @Test
    void expiredOrClosedSessionIsRefused() {
        AgentSession s = engine.session(Credentials.secret("alice", "secret".toCharArray()));
        clock.advance(Duration.ofSeconds(60));
        assertFalse(s.isOpen());
        assertEquals(Status.DENIED, s.write("ns", "k", 1).status());
        assertEquals("Session expired", s.write("ns", "k", 1).message());
        AgentSession fresh = engine.session(Credentials.secret("alice", "secret".toCharArray()));
        fresh.close();
        assertNull(fresh.read("ns", "k"));
        assertThrows(AccessDeniedException.class, () -> fresh.subscribe("ns", e -> { }));
    }

    @Test
    void trustedModeStillAcceptsBareIdsAndSessions() {
        engine.reconfigure(TestStores.options().identity(IdentityMode.TRUSTED).build());
        assertTrue(engine.write("ns", "k", 1, "alice").isWritten());
        assertEquals(1, (int) engine.session(Credentials.secret("alice", "secret".toCharArray())).read("ns", "k"));
    }
}
