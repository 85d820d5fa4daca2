package io.sharedmemory.engine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's configuration fails closed: with a bad value, at activation or later, the engine refuses every operation
 * (no agent acts under settings weaker than the ones asked for), and fixing it makes the engine serve again with its
 * data. The component driven as SCR drives it.
 */
class SharedMemoryComponent_FailClosedTest {
    private final SharedMemoryComponent component = new SharedMemoryComponent();
    private final PermissionProvider everyone = (ns, agent, config) -> io.sharedmemory.api.Permission.ADMIN;
    private final AgentAuthenticator authenticator = c -> Optional.of(
            new AgentAuthenticator.Identity("worker-1", Instant.MAX, "token-of-worker-1"));

    @BeforeEach
    void plugins() {
        component.addPermissionProvider(everyone, Map.of("service.id", 1L));
        component.addStrategy(new ConflictStrategy() {
            @Override
            public String name() {
                return "latest-wins";
            }

            @Override
            public Resolution resolve(io.sharedmemory.api.MemoryEntry existing,
                                      io.sharedmemory.api.MemoryEntry incoming, io.sharedmemory.spi.ConflictContext ctx) {
                return Resolution.accept();
            }
        }, Map.of("service.id", 2L));
        AuditSink sink = e -> { };
        component.addAuditSink(sink, Map.of("service.id", 3L));
        component.addAuthenticator(authenticator, Map.of("service.id", 4L));
    }

    @AfterEach
    void deactivate() {
        component.deactivate();
    }

    /** As FileInstall reads a {@code .cfg} file: every value a string. */
    private static Map<String, Object> cfg(String... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", SharedMemoryComponent.PID);
        p.put("felix.fileinstall.filename", "file:/opt/sharedmemory/conf/io.sharedmemory.engine.cfg");
        p.put("component.name", SharedMemoryComponent.class.getName());
        p.put("component.id", 12L);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    private static final String REFUSAL = "The sharedmemory engine refuses every operation until its configuration "
            + SharedMemoryComponent.PID + " is fixed: ";

    @Test
    void theIssuesCase_oneBadValueAtStart_givesAMemoryThatRefusesEverything_notATrustedOne() {
        component.activate(cfg("identity", "authenticated", "requireAuditSink", "true",
                "listenerQueueCapacity", "8"));
        assertFalse(component.isServing());
        WriteResult refused = component.write("tasks", "x", 1, "operator");
        assertEquals(Status.STORE_UNAVAILABLE, refused.status());
        assertTrue(refused.message().startsWith(REFUSAL + "listenerQueueCapacity must be"), refused.message());
        assertEquals(IdentityMode.AUTHENTICATED, component.identityMode(), "what the file asked for, not trusted");
        assertTrue(component.getStats().store().values().stream().anyMatch(v -> v.startsWith(REFUSAL)),
                "sm:stats says why");
        assertThrows(SharedMemoryException.class, () -> component.session(Credentials.token("token-of-worker-1")));
        // what no agent does still works: the operator's declarations and listeners
        component.createNamespace("tasks", NamespaceConfig.defaults());
        component.on(io.sharedmemory.api.EventType.MEMORY_WRITE, event -> { }).close();

        component.modified(cfg("identity", "authenticated", "requireAuditSink", "true", "maxLogSize", "-3"));
        assertFalse(component.isServing());
        assertTrue(component.write("tasks", "x", 1, "operator").message().startsWith(REFUSAL + "maxLogSize"));

        component.modified(cfg("identity", "authenticated", "requireAuditSink", "true",
                "listenerQueueCapacity", "16"));
        assertTrue(component.isServing());
        assertEquals(IdentityMode.AUTHENTICATED, component.identityMode());
        assertTrue(component.getNamespaceConfig("tasks").isPresent(), "declared while refusing, kept");
        assertEquals(Status.DENIED, component.write("tasks", "x", 1, "operator").status(), "a bare id is refused");
        assertTrue(component.session(Credentials.token("token-of-worker-1")).write("tasks", "x", 1).isWritten());
    }

    @Test
    void aBadValueWhileRunning_refusesEverything_revokesOpenSessions_andKeepsTheData() {
        component.activate(cfg("identity", "trusted"));
        assertTrue(component.isServing());
        component.createNamespace("tasks", NamespaceConfig.defaults());
        assertTrue(component.write("tasks", "kept", "before", "operator").isWritten());
        AgentSession session = component.session(Credentials.token("token-of-worker-1"));
        assertTrue(session.write("tasks", "by-session", 1).isWritten());

        component.modified(cfg("identity", "authenticated", "requireAuditSink", "yes"));
        assertFalse(component.isServing());
        assertEquals(null, (Object) component.read("tasks", "kept", "operator"));
        assertEquals(Status.STORE_UNAVAILABLE, component.write("tasks", "kept", "x", "operator").status());
        assertEquals(Status.DENIED, session.write("tasks", "by-session", 2).status(), "no session acts");

        component.modified(cfg("identity", "authenticated", "requireAuditSink", "false"));
        assertTrue(component.isServing());
        assertEquals(IdentityMode.AUTHENTICATED, component.identityMode(), "the fixed configuration applies");
        AgentSession fresh = component.session(Credentials.token("token-of-worker-1"));
        assertEquals("before", fresh.read("tasks", "kept"), "the data is kept");
        assertEquals(Integer.valueOf(1), fresh.read("tasks", "by-session"));
        assertEquals(Status.DENIED, session.write("tasks", "by-session", 3).status(),
                "a session refused while the memory refused stays revoked");
    }

    @Test
    void aBooleanIsTrueOrFalse_andNothingElse() {
        for (String bad : new String[] {"yes", "on", "1", "enabled", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> EngineConfiguration.options(cfg("requireAuditSink", bad)), bad);
            assertEquals("requireAuditSink: \"" + bad + "\" is not true or false", e.getMessage());
        }
        assertTrue(EngineConfiguration.options(cfg("requireAuditSink", " TRUE ")).requireAuditSink());
        assertFalse(EngineConfiguration.options(cfg("requireAuditSink", "false")).requireAuditSink());
        Map<String, Object> typed = cfg();
        typed.put("requireAuditSink", Boolean.TRUE);
        assertTrue(EngineConfiguration.options(typed).requireAuditSink());
    }

    @Test
    void anUnknownProperty_isRefusedNamingIt_andTheFrameworksOwnAreNot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineConfiguration.options(cfg("requireAuditSnk", "true")));
        assertTrue(e.getMessage().startsWith("unknown property \"requireAuditSnk\" (did you mean requireAuditSink?)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> EngineConfiguration.options(cfg("mode", "x")));
        assertTrue(e.getMessage().startsWith("unknown property \"mode\" (known: cleanupIntervalMillis, identity,"),
                e.getMessage());
        assertEquals(IdentityMode.TRUSTED, EngineConfiguration.options(cfg()).identity());
    }

    @Test
    void aByteOrderMarkBeforeTheFirstKey_isNotPartOfIt() {
        assertEquals(IdentityMode.AUTHENTICATED,
                EngineConfiguration.options(cfg("\uFEFFidentity", "authenticated")).identity(), "read as UTF-8");
        assertEquals(IdentityMode.AUTHENTICATED,
                EngineConfiguration.options(cfg("\u00EF\u00BB\u00BFidentity", "authenticated")).identity(),
                "read as ISO-8859-1");
    }

    @Test
    void withoutAConfiguration_theEngineStartsWithItsDefaults_andDeletingOneReturnsToThem() {
        Map<String, Object> none = new HashMap<>();
        none.put("component.name", SharedMemoryComponent.class.getName());
        none.put("component.id", 12L);
        component.activate(none);
        assertTrue(component.isServing());
        assertEquals(IdentityMode.TRUSTED, component.identityMode());
        component.modified(cfg("identity", "authenticated"));
        assertEquals(IdentityMode.AUTHENTICATED, component.identityMode());
        component.modified(none);
        assertEquals(IdentityMode.TRUSTED, component.identityMode());
    }
}
