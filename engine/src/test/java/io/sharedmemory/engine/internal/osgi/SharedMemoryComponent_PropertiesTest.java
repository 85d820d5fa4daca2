package io.sharedmemory.engine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.Resolution;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The component's reading of service properties (name, ranking, id, bundle) and of its configuration, and the dynamic
 * removal of each kind of plugin — the DS component built by hand, as SCR would.
 */
class SharedMemoryComponent_PropertiesTest {
    private final SharedMemoryComponent component = new SharedMemoryComponent();
    private final PermissionProvider everyone = (ns, agent, config) -> Permission.ADMIN;

    @AfterEach
    void deactivate() {
        component.deactivate();
    }

    /** A configuration as Config Admin hands it to the component, typed as the Config Admin API would. */
    static Map<String, Object> config(int maxLogSize, long cleanupMillis, int queue, boolean requireAudit,
                                      String identity) {
        Map<String, Object> c = new HashMap<>();
        c.put("service.pid", SharedMemoryComponent.PID);
        c.put("maxLogSize", maxLogSize);
        c.put("cleanupIntervalMillis", cleanupMillis);
        c.put("listenerQueueCapacity", queue);
        c.put("requireAuditSink", requireAudit);
        c.put("identity", identity);
        return c;
    }

    private static Map<String, Object> props(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return p;
    }

    private static ConflictStrategy named(String name, Resolution decision) {
        return new ConflictStrategy() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return decision;
            }
        };
    }

    private void activate() {
        component.addPermissionProvider(everyone, props("service.id", 1L));
        component.activate(config(100, 0, 64, false, "trusted"));
        component.createNamespace("ns", NamespaceConfig.defaults());
    }

    @Test
    void aStrategyIsNamedByItsProperty_elseByName_andIgnoredWithoutEither() {
        activate();
        component.addStrategy(named("latest-wins", Resolution.reject("by name()")), props("service.id", 5L));
        component.write("ns", "k", 1, "a");
        assertEquals("Conflict resolution rejected write: by name()", component.write("ns", "k", 2, "a").message());
        // a blank property falls back to name()
        component.addStrategy(named("latest-wins", Resolution.reject("blank property")), props("service.id", 4L,
                ConflictStrategy.NAME_PROPERTY, " "));
        assertEquals("Conflict resolution rejected write: blank property", component.write("ns", "k", 2, "a")
                .message());
        // a property that is not a string falls back to name() too
        component.addStrategy(named("latest-wins", Resolution.reject("odd property")), props("service.id", 3L,
                ConflictStrategy.NAME_PROPERTY, 42));
        assertEquals("Conflict resolution rejected write: odd property", component.write("ns", "k", 2, "a")
                .message());
        // a name() that throws, and no property: left out
        ConflictStrategy broken = new ConflictStrategy() {
            @Override
            public String name() {
                throw new IllegalStateException("unconfigured");
            }

            @Override
            public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
                return Resolution.reject("broken");
            }
        };
        component.addStrategy(broken, props("service.id", 1L));
        assertEquals("Conflict resolution rejected write: odd property", component.write("ns", "k", 2, "a")
                .message());
        assertEquals(3, component.describePlugins().stream().filter(l -> l.startsWith("strategy ")).count());
    }

    @Test
    void rankingAndIdComeFromTheServiceProperties_withDefaultsWhenAbsentOrOdd() {
        activate();
        // no ranking: 0; no id: last among equals
        component.addStrategy(named("latest-wins", Resolution.reject("no id")), props());
        component.addStrategy(named("latest-wins", Resolution.reject("id 9")), props("service.id", 9L));
        component.write("ns", "k", 1, "a");
        assertEquals("Conflict resolution rejected write: id 9", component.write("ns", "k", 2, "a").message());
        // an Integer id is not a service id: treated as absent
        component.addStrategy(named("latest-wins", Resolution.reject("int id")), props("service.id", 2));
        assertEquals("Conflict resolution rejected write: id 9", component.write("ns", "k", 2, "a").message());
        // a ranking wins over ids; a ranking that is not an Integer counts as 0
        component.addStrategy(named("latest-wins", Resolution.reject("ranked")), props("service.id", 20L,
                "service.ranking", 1));
        component.addStrategy(named("latest-wins", Resolution.reject("long ranking")), props("service.id", 8L,
                "service.ranking", 5L));
        assertEquals("Conflict resolution rejected write: ranked", component.write("ns", "k", 2, "a").message());
        component.addStrategy(named("latest-wins", Resolution.reject("negative")), props("service.id", 0L,
                "service.ranking", -1));
        assertEquals("Conflict resolution rejected write: ranked", component.write("ns", "k", 2, "a").message());
    }

    @Test
    void deactivation_destroysTheEngine() {
        activate();
        io.sharedmemory.api.Subscription s = component.subscribe("ns", "a", e -> { });
        component.deactivate();
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !s.isActive());
        assertEquals(List.of(), component.getNamespaces());
    }

    @Test
    void describe_namesTheBundle_orTheServiceWithoutOne() {
        activate();
        component.addAuditSink(e -> { }, props("service.id", 12L, "service.bundleid", 33L, "service.ranking", 4));
        component.addAuthenticator(c -> Optional.empty(), props("service.id", 13L));
        List<String> lines = component.describePlugins();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("audit-sink ranking=4 ") && l.endsWith(" from bundle 33")),
                lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("authenticator ranking=0 ")
                && l.endsWith(" from service 13")), lines::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("permission-provider ranking=0 ")
                && l.endsWith(" from service 1")), lines::toString);
    }

    @Test
    void eachKindOfPlugin_canBeRemovedWhileRunning() {
        List<AccessLogEntry> records = new CopyOnWriteArrayList<>();
        AuditSink sink = records::add;
        component.addAuditSink(sink, props("service.id", 2L));
        activate();
        ConflictStrategy latest = named("latest-wins", Resolution.accept());
        component.addStrategy(latest, props("service.id", 3L));
        assertTrue(component.write("ns", "k", 1, "a").isWritten());
        int recorded = records.size();
        component.removeAuditSink(sink);
        component.write("ns", "k", 2, "a");
        assertEquals(recorded, records.size());
        component.removeStrategy(latest);
        assertEquals(Status.STRATEGY_UNAVAILABLE, component.write("ns", "k", 3, "a").status());
        component.removePermissionProvider(everyone);
        assertEquals(Status.DENIED, component.write("ns", "k", 3, "a").status());
        AgentAuthenticator auth = c -> Optional.of(new AgentAuthenticator.Identity("x", Instant.MAX, "t"));
        component.addAuthenticator(auth, props("service.id", 4L));
        assertEquals("x", component.session(Credentials.token("t")).agentId());
        component.removeAuthenticator(auth);
        assertThrows(AccessDeniedException.class, () -> component.session(Credentials.token("t")));
        assertTrue(component.describePlugins().isEmpty(), component.describePlugins()::toString);
    }

    /** A queryable log that remembers its capacity. */
    private static final class CapacityLog implements io.sharedmemory.spi.AccessLog {
        final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();
        volatile int capacity;

        @Override
        public void record(AccessLogEntry entry) {
            entries.add(entry);
        }

        @Override
        public List<AccessLogEntry> query(io.sharedmemory.api.AccessLogQuery query) {
            return entries.stream().filter(query::matches).toList();
        }

        @Override
        public long size() {
            return entries.size();
        }

        @Override
        public void capacity(int maxEntries) {
            capacity = maxEntries;
        }
    }

    @Test
    void theConfiguration_isAppliedAtActivation_andOnEveryChange() {
        component.addPermissionProvider(everyone, props("service.id", 1L));
        component.addStrategy(named("latest-wins", Resolution.accept()), props("service.id", 2L));
        component.activate(config(100, 0, 64, true, "trusted"));
        assertThrows(SharedMemoryException.class, () -> component.createNamespace("ns"),
                "an audit sink is required and none is present");
        CapacityLog log = new CapacityLog();
        component.addAuditSink(log, props("service.id", 3L));
        assertEquals(100, log.capacity);
        component.modified(config(77, 0, 64, false, "trusted"));
        assertEquals(77, log.capacity);
        component.createNamespace("ns", NamespaceConfig.builder().ttl(java.time.Duration.ofMillis(1)).build());
        assertEquals(IdentityMode.TRUSTED, component.identityMode());
        assertTrue(component.write("ns", "k", 1, "a").isWritten());
        // a sweep every 10 ms removes and reports the entry without anyone asking
        component.modified(config(77, 10, 64, false, "trusted"));
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> log.entries.stream()
                .anyMatch(e -> e.action() == io.sharedmemory.api.AccessAction.EXPIRE && "k".equals(e.key())));
        component.modified(config(77, 0, 64, false, "authenticated"));
        assertEquals(IdentityMode.AUTHENTICATED, component.identityMode());
        WriteResult refused = component.write("ns", "k", 1, "a");
        assertEquals(Status.DENIED, refused.status());
        assertNull(component.read("ns", "k", "a"));
    }

    @Test
    void aBadValueNamesItsProperty() {
        Map<String, Object> notANumber = config(5, 0, 64, false, "trusted");
        notANumber.put("maxLogSize", "abc");
        assertEquals("maxLogSize: \"abc\" is not a whole number", assertThrows(IllegalArgumentException.class,
                () -> EngineConfiguration.options(notANumber)).getMessage());
        assertEquals("identity: Unknown identity mode \"authentic\": expected trusted or authenticated",
                assertThrows(IllegalArgumentException.class, () -> EngineConfiguration.options(
                        config(100, 0, 64, false, "authentic"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EngineConfiguration.options(
                config(100, -5, 64, false, "trusted"))).getMessage().startsWith("cleanupIntervalMillis: "));
    }
}
