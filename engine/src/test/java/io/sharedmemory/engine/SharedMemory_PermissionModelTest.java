package io.sharedmemory.engine;

import io.sharedmemory.engine.conformance.TestStores;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.permissions.SecretHashes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random permission matrices and random operations, checked against a model: an operation succeeds exactly when the
 * agent's effective permission (override, else default — as last updated) implies what the operation needs. Run both
 * with bare agent ids (trusted) and through authenticated sessions, where every access-log entry must carry the
 * session's identity.
 */
class SharedMemory_PermissionModelTest {
    private static final List<String> AGENTS = List.of("a0", "a1", "a2", "a3");
    private static final Map<String, String> HASHES = new HashMap<>();

    static {
        for (String a : AGENTS) {
            HASHES.put(a, SecretHashes.hash((a + "-secret").toCharArray(), 1000));
        }
    }

    enum Op { READ, WRITE, DELETE, KEYS, ALL, SUBSCRIBE, BROADCAST, CLEAR, UPDATE }

    record Step(Op op, int agent, Permission grant, int target) {
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(Op.class), Arbitraries.integers().between(0, 3),
                Arbitraries.of(Permission.class), Arbitraries.integers().between(0, 3)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<Map<String, Permission>> overrides() {
        return Arbitraries.maps(Arbitraries.of(AGENTS), Arbitraries.of(Permission.class)).ofMaxSize(4);
    }

    @Property(tries = 100)
    void outcomesFollowTheModel(@ForAll("overrides") Map<String, Permission> overrides,
                                @ForAll Permission defaultPermission, @ForAll("steps") List<Step> steps,
                                @ForAll boolean authenticated) {
        SharedMemoryOptions.Builder options = TestStores.options();
        if (authenticated) {
            ConfiguredAuthenticator.Builder auth = ConfiguredAuthenticator.builder()
                    .signingKey("k".repeat(32).getBytes(StandardCharsets.US_ASCII));
            HASHES.forEach(auth::agent);
            options.identity(IdentityMode.AUTHENTICATED).plugin(auth.build());
        }
        try (SharedMemory memory = SharedMemory.create(options.build())) {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(defaultPermission)
                    .permissions(overrides).build());
            Map<String, Permission> model = new HashMap<>(overrides);
            Map<String, AgentSession> sessions = new HashMap<>();
            if (authenticated) {
                for (String a : AGENTS) {
                    sessions.put(a, memory.session(Credentials.secret(a, (a + "-secret").toCharArray())));
                }
            }
            for (Step s : steps) {
                String agent = AGENTS.get(s.agent());
                Permission effective = model.getOrDefault(agent, defaultPermission);
                Permission needed = switch (s.op()) {
                    case READ, KEYS, ALL, SUBSCRIBE, BROADCAST -> Permission.READ;
                    case WRITE, DELETE -> Permission.WRITE;
                    case CLEAR, UPDATE -> Permission.ADMIN;
                };
                boolean allowed = effective.implies(needed);
                boolean denied = run(memory, sessions.get(agent), agent, s);
                assertEquals(!allowed, denied, s + " by " + agent + " with " + effective);
                if (allowed && s.op() == Op.UPDATE) {
                    model.put(AGENTS.get(s.target()), s.grant());
                }
            }
            assertEquals(model, memory.getNamespaceConfig("ns").orElseThrow().permissions());
            if (authenticated) {
                for (AccessLogEntry e : memory.getAccessLog()) {
                    if (e.agentId() != null && !e.agentId().equals(SharedMemory.SYSTEM_AGENT)) {
                        assertEquals(true, AGENTS.contains(e.agentId()), e.toString());
                    }
                }
            }
        }
    }

    /** @return whether the operation was refused for lack of permission */
    private static boolean run(SharedMemory m, AgentSession session, String agent, Step s) {
        String key = "k" + s.target();
        switch (s.op()) {
            case READ:
                if (session != null) {
                    session.readEntry("ns", key);
                } else {
                    m.readEntry("ns", key, agent);
                }
                return lastDenied(m);
            case WRITE:
                Status st = (session != null ? session.write("ns", key, s.target()) : m.write("ns", key, s.target(),
                        agent)).status();
                return st == Status.DENIED;
            case DELETE:
                if (session != null) {
                    session.delete("ns", key);
                } else {
                    m.delete("ns", key, agent);
                }
                return lastDenied(m);
            case KEYS:
                return (session != null ? session.getKeys("ns") : m.getKeys("ns", agent)) == null;
            case ALL:
                return (session != null ? session.getAll("ns") : m.getAll("ns", agent)) == null;
            case SUBSCRIBE:
                try {
                    (session != null ? session.subscribe("ns", e -> { }) : m.subscribe("ns", agent, e -> { }))
                            .unsubscribe();
                    return false;
                } catch (AccessDeniedException e) {
                    return true;
                }
            case BROADCAST:
                try {
                    if (session != null) {
                        session.broadcast("ns", "hi");
                    } else {
                        m.broadcast("ns", "hi", agent);
                    }
                    return false;
                } catch (AccessDeniedException e) {
                    return true;
                }
            case CLEAR:
                return !(session != null ? session.clearNamespace("ns") : m.clearNamespace("ns", agent));
            default:
                Map<String, Permission> change = Map.of(AGENTS.get(s.target()), s.grant());
                return !(session != null ? session.updatePermissions("ns", change)
                        : m.updatePermissions("ns", change, agent));
        }
    }

    private static boolean lastDenied(SharedMemory m) {
        List<AccessLogEntry> log = m.getAccessLog();
        return "Insufficient permissions".equals(log.get(log.size() - 1).error());
    }
}
