package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AgentAuthenticator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Removing an agent from the authenticator, or the authenticator itself, ends the agent's open sessions at once: the
 * next operation is refused, its token opens nothing, and the subscriptions made through the session end. A switch of
 * the engine to authenticated mode ends the subscriptions made with bare agent ids.
 */
class Engine_SessionRevocationTest {
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private final Agents agents = new Agents();
    private Engine engine;

    /** Accepts any secret of a configured agent; tokens are "t:" + agent; the revision moves on each removal. */
    static final class Agents implements AgentAuthenticator {
        final Set<String> configured = ConcurrentHashMap.newKeySet();
        final AtomicLong revision = new AtomicLong();

        @Override
        public Optional<Identity> authenticate(Credentials c) {
            String agent = c.token() != null ? (c.token().startsWith("t:") ? c.token().substring(2) : null)
                    : c.agentId();
            return agent != null && configured.contains(agent)
                    ? Optional.of(new Identity(agent, Instant.now().plusSeconds(3600), "t:" + agent))
                    : Optional.empty();
        }

        @Override
        public long revision() {
            return revision.get();
        }

        void remove(String agent) {
            configured.remove(agent);
            revision.incrementAndGet();
        }
    }

    @BeforeEach
    void start() {
        agents.configured.addAll(List.of("alice", "bob"));
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 2, "test");
        registry.addAuditSink(log, 0, 3, "test");
        registry.addAuthenticator(agents, 0, 4, "test");
        engine = new Engine(TestStores.options().cleanupInterval(Duration.ZERO)
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

    @Test
    void removingTheAgent_endsItsSessions_refusesItsToken_andEndsItsSubscriptions() throws Exception {
        AgentSession alice = login("alice");
        AgentSession bob = login("bob");
        List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
        Subscription sub = alice.subscribe("ns", seen::add);
        assertEquals(Status.WRITTEN, alice.write("ns", "k", 1).status());
        assertTrue(sub.awaitDelivery(Duration.ofSeconds(5)));
        assertEquals(1, seen.size());

        agents.remove("alice");

        assertFalse(alice.isOpen());
        assertEquals(Status.DENIED, alice.write("ns", "k", 2).status());
        AccessLogEntry refused = log.entries.get(log.entries.size() - 1);
        assertEquals(EngineSession.REVOKED_TEXT, refused.error());
        assertNull(alice.read("ns", "k"));
        assertThrows(AccessDeniedException.class, () -> alice.subscribe("ns", e -> { }));
        assertThrows(AccessDeniedException.class, () -> engine.session(Credentials.token(alice.token())));
        // bob is unaffected; his write is the marker after which alice's subscription must have seen nothing more
        assertEquals(Status.WRITTEN, bob.write("ns", "k", 3).status());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !sub.isActive());
        assertEquals(1, seen.size(), "a revoked session's subscription received " + seen);
        assertEquals(3, (Integer) bob.read("ns", "k"));
        // a revoked session stays revoked even if the agent comes back: it must log in again
        agents.configured.add("alice");
        agents.revision.incrementAndGet();
        assertFalse(alice.isOpen());
        assertEquals(Status.WRITTEN, login("alice").write("ns", "k", 4).status());
    }

    @Test
    void removingTheAuthenticator_endsEverySession() {
        AgentSession alice = login("alice");
        assertTrue(alice.isOpen());
        registry.removeAuthenticator(agents);
        assertEquals(Status.DENIED, alice.write("ns", "k", 1).status());
        assertFalse(alice.isOpen());
        registry.addAuthenticator(agents, 0, 5, "test");
        assertFalse(alice.isOpen(), "a session the authenticator's removal ended stays ended");
    }

    @Test
    void anUnchangedAuthenticator_isNotAskedAgain() {
        int[] asked = {0};
        AgentAuthenticator counting = new AgentAuthenticator() {
            @Override
            public Optional<Identity> authenticate(Credentials c) {
                return agents.authenticate(c);
            }

            @Override
            public boolean isValid(Identity identity) {
                asked[0]++;
                return true;
            }
        };
        registry.removeAuthenticator(agents);
        registry.addAuthenticator(counting, 0, 6, "test");
        AgentSession alice = login("alice");
        for (int i = 0; i < 100; i++) {
            alice.write("ns", "k", i);
        }
        assertEquals(0, asked[0]);
    }

    @Test
    void switchingToAuthenticated_endsBareSubscriptions_butNotSessionOnes() throws Exception {
        engine.reconfigure(TestStores.options().cleanupInterval(Duration.ZERO).build());
        assertEquals(IdentityMode.TRUSTED, engine.identityMode());
        Subscription bare = engine.subscribe("ns", "carol", e -> { });
        Subscription viaSession = login("bob").subscribe("ns", e -> { });
        engine.reconfigure(TestStores.options().cleanupInterval(Duration.ZERO)
                .identity(IdentityMode.AUTHENTICATED).build());
        assertFalse(bare.isActive());
        assertTrue(viaSession.isActive());
        assertThrows(AccessDeniedException.class, () -> engine.subscribe("ns", "carol", e -> { }));
    }
}
