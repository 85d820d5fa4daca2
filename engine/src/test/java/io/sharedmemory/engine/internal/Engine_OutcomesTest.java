package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.store.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What each operation of the engine returns, records in the access log and publishes, outcome by outcome — the
 * refusals included, each with its exact reason. Everything is observed from outside: return values, the audit records
 * a sink receives, the events an {@code on(...)} listener gets, the statistics.
 */
class Engine_OutcomesTest {
    /** How toString names the store: not at all for the in-memory one (the suite also runs on other stores). */
    private static String storeSuffix() {
        MemoryStore store = TestStores.newStore();
        return store == null ? "" : ", store=" + store.name();
    }

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long T0 = 1_700_000_000_000L;
    private static final String SYSTEM = SharedMemory.SYSTEM_AGENT;

    private final MutableClock clock = new MutableClock(T0);
    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private final TestPlugins.ListLog log = new TestPlugins.ListLog();
    private final AtomicInteger destroyedCalls = new AtomicInteger();
    private Engine engine;

    @BeforeEach
    void start() {
        registry.addStrategy(TestPlugins.latestWins(), NamespaceConfig.LATEST_WINS, 0, 1, "test");
        registry.addStrategy(TestPlugins.firstWins(), NamespaceConfig.FIRST_WINS, 0, 2, "test");
        registry.addPermissionProvider(TestPlugins.overridesThenDefault(), 0, 3, "test");
        registry.addAuditSink(log, 0, 4, "test");
        engine = new Engine(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO).maxLogSize(500)
                .build(), registry, destroyedCalls::incrementAndGet);
    }

    @AfterEach
    void stop() {
        engine.destroy();
    }

    private void open(String ns, NamespaceConfig.Builder config) {
        engine.createNamespace(ns, config.build());
    }

    private static NamespaceConfig.Builder writable() {
        return NamespaceConfig.builder().defaultPermission(Permission.WRITE);
    }

    private AccessLogEntry last() {
        synchronized (log) {
            return log.entries.get(log.entries.size() - 1);
        }
    }

    private List<AccessLogEntry> records(AccessAction action) {
        synchronized (log) {
            return log.entries.stream().filter(e -> e.action() == action).collect(Collectors.toList());
        }
    }

    private int recordCount() {
        synchronized (log) {
            return log.entries.size();
        }
    }

    private static void assertRecord(AccessLogEntry e, long at, String agent, AccessAction action, String ns,
                                     String key, boolean success, String error) {
        assertEquals(new AccessLogEntry(at, agent, action, ns, key, success, error), e);
    }

    private List<MemoryEvent> listen(EventType type) {
        List<MemoryEvent> got = new CopyOnWriteArrayList<>();
        engine.on(type, got::add);
        return got;
    }

    private static List<MemoryEvent> awaitEvents(List<MemoryEvent> got, int n) {
        await().atMost(WAIT).until(() -> got.size() >= n);
        return new ArrayList<>(got);
    }

    @Nested
    class Namespaces {
        @Test
        void creatingAgain_replacesTheConfig_andSaysItWasReconfigured() {
            List<MemoryEvent> created = listen(EventType.NAMESPACE_CREATED);
            open("ns", writable());
            clock.advanceMillis(5);
            NamespaceConfig second = NamespaceConfig.builder().defaultPermission(Permission.READ)
                    .conflictStrategy(NamespaceConfig.FIRST_WINS).build();
            engine.createNamespace("ns", second);
            assertEquals(Optional.of(second), engine.getNamespaceConfig("ns"));
            assertEquals(Status.DENIED, engine.write("ns", "k", 1, "a").status());
            List<MemoryEvent> events = awaitEvents(created, 2);
            assertEquals(2, events.size());
            assertEquals(List.of("ns", "ns"), events.stream().map(MemoryEvent::namespace).toList());
            assertNull(events.get(0).reason());
            assertNull(events.get(1).reason(), "no reason outside conflicts");
            assertEquals(SYSTEM, events.get(1).agentId());
            assertEquals(T0 + 5, events.get(1).timestamp().toEpochMilli());
            // not an agent's access: the log holds only the refused write, as the specification's log would
            synchronized (log) {
                assertEquals(List.of(AccessAction.WRITE),
                        log.entries.stream().map(AccessLogEntry::action).toList());
            }
            assertEquals(List.of("ns"), engine.getNamespaces());
        }

        @Test
        void reconfiguring_endsTheSubscriptionsOfAgentsWhoMayNoLongerRead() {
            open("ns", writable());
            Subscription reader = engine.subscribe("ns", "reader", e -> { });
            Subscription other = engine.subscribe("ns", "other", e -> { });
            engine.createNamespace("ns", writable().permission("reader", Permission.NONE).build());
            await().atMost(WAIT).until(() -> !reader.isActive());
            assertTrue(other.isActive());
        }

        @Test
        void aLimitSetLater_countsTheEntriesAlreadyStored() {
            open("ns", writable());
            for (String k : List.of("a", "b", "c")) {
                engine.write("ns", k, 1, "w");
            }
            engine.createNamespace("ns", writable().maxEntries(3).build());
            assertEquals(WriteResult.refused(Status.NAMESPACE_FULL, 0, "Namespace full"),
                    engine.write("ns", "d", 1, "w"));
            engine.createNamespace("ns", writable().maxEntries(4).build());
            assertTrue(engine.write("ns", "d", 1, "w").isWritten());
        }

        @Test
        void aTtlSetLater_appliesToLaterWrites_andTheSweepFindsThem() {
            open("ns", writable());
            engine.write("ns", "forever", 1, "w");
            engine.createNamespace("ns", writable().ttl(Duration.ofMillis(10)).build());
            engine.write("ns", "brief", 1, "w");
            clock.advanceMillis(10);
            assertEquals(1, engine.cleanupExpired());
            assertEquals(List.of("forever"), engine.getKeys("ns", "w"));
        }

        @Test
        void aBadName_isRecordedAndThrown_andCreatesNothing() {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> engine.createNamespace("  ", NamespaceConfig.defaults()));
            assertEquals("Invalid namespace name: blank", e.getMessage());
            assertRecord(last(), T0, SYSTEM, AccessAction.CREATE_NAMESPACE, "  ", null, false,
                    "Invalid namespace name: blank");
            assertThrows(NullPointerException.class, () -> engine.createNamespace("ns", null));
            assertEquals(List.of(), engine.getNamespaces());
        }

        @Test
        void defaultConfig_isTheDefaults() {
            engine.createNamespace("ns");
            assertEquals(Optional.of(NamespaceConfig.defaults()), engine.getNamespaceConfig("ns"));
            assertEquals(Optional.empty(), engine.getNamespaceConfig("other"));
            assertEquals(Optional.empty(), engine.getNamespaceConfig(null));
        }

        @Test
        void names_areListedSorted_andTheListCannotBeChanged() {
            for (String n : List.of("c", "a", "b")) {
                engine.createNamespace(n);
            }
            List<String> names = engine.getNamespaces();
            assertEquals(List.of("a", "b", "c"), names);
            assertThrows(UnsupportedOperationException.class, () -> names.add("d"));
            assertEquals("SharedMemory[namespaces=3" + storeSuffix() + "]", engine.toString());
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                many.add("ns-" + (i * 7919 % 1000));
            }
            many.forEach(engine::createNamespace);
            List<String> expected = new ArrayList<>(many);
            expected.addAll(List.of("a", "b", "c"));
            java.util.Collections.sort(expected);
            assertEquals(expected, engine.getNamespaces());
        }

        @Test
        void deleting_needsAdmin_removesTheNamespace_andIsRecorded() {
            List<MemoryEvent> deleted = listen(EventType.NAMESPACE_DELETED);
            open("ns", writable().permission("boss", Permission.ADMIN));
            engine.write("ns", "k", 1, "a");
            assertFalse(engine.deleteNamespace("ns", "a"));
            assertRecord(last(), T0, "a", AccessAction.DELETE_NAMESPACE, "ns", null, false, Entries.DENIED_TEXT);
            assertTrue(engine.deleteNamespace("ns", "boss"));
            assertRecord(last(), T0, "boss", AccessAction.DELETE_NAMESPACE, "ns", null, true, null);
            assertEquals(List.of(), engine.getNamespaces());
            assertEquals(Status.NO_NAMESPACE, engine.write("ns", "k", 2, "boss").status());
            assertFalse(engine.deleteNamespace("ns", "boss"));
            assertRecord(last(), T0, "boss", AccessAction.DELETE_NAMESPACE, "ns", null, false,
                    "Namespace \"ns\" does not exist");
            MemoryEvent e = awaitEvents(deleted, 1).get(0);
            assertEquals("ns", e.namespace());
            assertEquals("boss", e.agentId());
            // a namespace created again under the same name starts empty
            open("ns", writable());
            assertNull(engine.read("ns", "k", "a"));
            assertEquals(1, engine.write("ns", "k", 3, "a").version());
        }

        @Test
        void deleting_endsItsSubscriptions() {
            open("ns", writable().permission("boss", Permission.ADMIN));
            Subscription s = engine.subscribe("ns", "a", e -> { });
            assertTrue(s.isActive());
            assertTrue(engine.deleteNamespace("ns", "boss"));
            await().atMost(WAIT).until(() -> !s.isActive());
        }
    }

    @Nested
    class Writes {
        @Test
        void aWrite_isRecordedAndPublished() {
            List<MemoryEvent> writes = listen(EventType.MEMORY_WRITE);
            open("ns", writable());
            clock.advanceMillis(3);
            WriteResult r = engine.write("ns", "k", Map.of("x", 1), "a");
            assertEquals(WriteResult.written(1), r);
            assertRecord(last(), T0 + 3, "a", AccessAction.WRITE, "ns", "k", true, null);
            MemoryEvent e = awaitEvents(writes, 1).get(0);
            assertEquals(new MemoryEvent(EventType.MEMORY_WRITE, "ns", "k", "a", Map.of("x", 1), null,
                    clock.instant()), e);
            assertEquals(2, engine.write("ns", "k", 2, "b", null).version(), "null options are no options");
        }

        @Test
        void eachRefusal_hasItsStatusVersionMessageRecordAndConflictReason() {
            List<MemoryEvent> conflicts = listen(EventType.MEMORY_CONFLICT);
            open("first", writable().conflictStrategy(NamespaceConfig.FIRST_WINS));
            open("ro", NamespaceConfig.builder().defaultPermission(Permission.READ).permission("w", Permission.WRITE)
                    .permission("nobody", Permission.NONE));
            open("full", writable().maxEntries(1));
            open("gone", writable().conflictStrategy("nope"));

            // refusals before any check of the namespace's rules: no conflict event
            assertEquals(WriteResult.refused(Status.INVALID, 0, "Invalid key: empty"),
                    engine.write("first", "", 1, "a"));
            assertRecord(last(), T0, "a", AccessAction.WRITE, "first", "", false, "Invalid key: empty");
            assertEquals(WriteResult.refused(Status.INVALID, 0, "Invalid agent id: null"),
                    engine.write("first", "k", 1, null));
            assertEquals(WriteResult.refused(Status.INVALID, 0, "Invalid namespace name: empty"),
                    engine.write("", "k", 1, "a"));
            assertEquals(WriteResult.refused(Status.INVALID, 0, "Invalid namespace name: null"),
                    engine.write(null, "k", 1, "a"));
            assertEquals(WriteResult.refused(Status.NO_NAMESPACE, 0, "Namespace \"absent\" does not exist"),
                    engine.write("absent", "k", 1, "a"));
            assertRecord(last(), T0, "a", AccessAction.WRITE, "absent", "k", false,
                    "Namespace \"absent\" does not exist");
            WriteResult bad = engine.write("first", "k", new Object(), "a");
            assertEquals(Status.INVALID, bad.status());
            assertTrue(bad.message().startsWith("Invalid value at value: java.lang.Object"), bad.message());
            assertEquals(bad.message(), last().error());
            WriteResult badMeta = engine.write("first", "k", 1, "a",
                    WriteOptions.builder().metadata(Map.of("m", new Object())).build());
            assertEquals(Status.INVALID, badMeta.status());
            assertTrue(badMeta.message().startsWith("Invalid value at metadata.m"), badMeta.message());

            // the namespace's rules: each with a conflict event
            assertTrue(engine.write("first", "k", "v1", "a").isWritten());
            assertEquals(WriteResult.refused(Status.REJECTED, 1, "Conflict resolution rejected write: already written"),
                    engine.write("first", "k", "v2", "b"));
            assertRecord(last(), T0, "b", AccessAction.WRITE, "first", "k", false, io.sharedmemory.engine.internal.step.WriteStep.REJECTED_TEXT);

            assertTrue(engine.write("ro", "k", "v", "w").isWritten());
            assertEquals(WriteResult.refused(Status.DENIED, 1, Entries.DENIED_TEXT), engine.write("ro", "k", 2, "r"));
            assertRecord(last(), T0, "r", AccessAction.WRITE, "ro", "k", false, Entries.DENIED_TEXT);
            assertEquals(WriteResult.refused(Status.DENIED, 0, Entries.DENIED_TEXT), engine.write("ro", "k", 2, "nobody"),
                    "an agent who may not read does not learn the version");
            assertEquals(WriteResult.refused(Status.DENIED, 0, Entries.DENIED_TEXT), engine.write("ro", "new", 2, "r"));

            assertEquals(WriteResult.refused(Status.VERSION_MISMATCH, 1, "Version mismatch: expected 5, current 1"),
                    engine.write("ro", "k", 3, "w", WriteOptions.builder().expectedVersion(5).build()));
            assertRecord(last(), T0, "w", AccessAction.WRITE, "ro", "k", false,
                    "Version mismatch: expected 5, current 1");

            assertTrue(engine.write("full", "k1", 1, "a").isWritten());
            assertEquals(WriteResult.refused(Status.NAMESPACE_FULL, 0, "Namespace full"),
                    engine.write("full", "k2", 1, "a"));
            assertRecord(last(), T0, "a", AccessAction.WRITE, "full", "k2", false, "Namespace full");
            assertEquals(2, engine.write("full", "k1", 2, "a").version(), "a full namespace still takes updates");

            assertEquals(WriteResult.refused(Status.STRATEGY_UNAVAILABLE, 0, "Conflict strategy \"nope\" is not available"),
                    engine.write("gone", "k", 1, "a"));
            assertRecord(last(), T0, "a", AccessAction.WRITE, "gone", "k", false,
                    "Conflict strategy \"nope\" is not available");

            List<MemoryEvent> events = awaitEvents(conflicts, 7);
            assertEquals(List.of("first/k/b/conflict_rejected/v2", "ro/k/r/permission_denied/2",
                    "ro/k/nobody/permission_denied/2", "ro/new/r/permission_denied/2", "ro/k/w/version_mismatch/3",
                    "full/k2/a/namespace_full/1", "gone/k/a/strategy_unavailable/1"),
                    events.stream().map(e -> e.namespace() + "/" + e.key() + "/" + e.agentId() + "/" + e.reason()
                            + "/" + e.value()).toList());
            assertEquals(EventType.MEMORY_CONFLICT, events.get(0).type());
        }

        @Test
        void anInvalidValue_reportsTheKeysCurrentVersion_onlyToAnAgentWhoMayRead() {
            open("ns", NamespaceConfig.builder().defaultPermission(Permission.READ).permission("w", Permission.WRITE)
                    .permission("nobody", Permission.NONE));
            engine.write("ns", "k", 1, "w");
            engine.write("ns", "k", 2, "w");

            WriteResult byWriter = engine.write("ns", "k", null, "w");
            assertEquals(Status.INVALID, byWriter.status());
            assertEquals(2, byWriter.version(), "a refusal reports the key's current version");
            assertEquals(2, engine.write("ns", "k", new Object(), "r").version());
            assertEquals(0, engine.write("ns", "k", new Object(), "nobody").version(),
                    "an agent who may not read does not learn the version");
            assertEquals(0, engine.write("ns", "other", null, "w").version(), "no live entry: version 0");
            assertEquals(2, engine.readEntry("ns", "k", "w").orElseThrow().version(), "nothing changed");
        }

        @Test
        void aWriteIntoAFullNamespace_firstSweepsWhatHasExpired() {
            List<MemoryEvent> cleanups = listen(EventType.MEMORY_CLEANUP);
            open("ns", writable().maxEntries(1).ttl(Duration.ofSeconds(1)));
            assertTrue(engine.write("ns", "old", 1, "a").isWritten());
            clock.advanceMillis(999);
            assertEquals(Status.NAMESPACE_FULL, engine.write("ns", "new", 1, "a").status(), "not expired yet");
            clock.advanceMillis(1);
            assertEquals(WriteResult.written(1), engine.write("ns", "new", 2, "a"));
            assertRecord(records(AccessAction.EXPIRE).get(0), T0 + 1000, SYSTEM, AccessAction.EXPIRE, "ns", "old",
                    true, null);
            MemoryEvent e = awaitEvents(cleanups, 1).get(0);
            assertEquals(List.of("old"), e.value());
            assertEquals(SYSTEM, e.agentId());
            assertEquals(List.of("new"), engine.getKeys("ns", "a"));
        }

        @Test
        void aWriteOverAnExpiredEntry_startsAgainAtVersionOne_andReportsTheExpiry() {
            List<MemoryEvent> cleanups = listen(EventType.MEMORY_CLEANUP);
            open("ns", writable().ttl(Duration.ofMillis(100)));
            engine.write("ns", "k", 1, "a");
            engine.write("ns", "k", 2, "a");
            clock.advanceMillis(100);
            assertEquals(WriteResult.written(1), engine.write("ns", "k", 3, "a"));
            assertEquals(1, records(AccessAction.EXPIRE).size());
            assertEquals(List.of("k"), awaitEvents(cleanups, 1).get(0).value());
            MemoryEntry entry = engine.readEntry("ns", "k", "a").orElseThrow();
            assertEquals(T0 + 200, entry.expiresAtMillis());
            assertEquals(T0 + 100, entry.timestampMillis());
        }

        @Test
        void expectedVersion_matchingTheCurrentOne_writes() {
            open("ns", writable());
            assertEquals(1, engine.write("ns", "k", 1, "a", WriteOptions.builder().expectedVersion(0).build())
                    .version());
            assertEquals(Status.VERSION_MISMATCH, engine.write("ns", "k", 1, "a",
                    WriteOptions.builder().expectedVersion(0).build()).status());
            assertEquals(2, engine.write("ns", "k", 2, "a", WriteOptions.builder().expectedVersion(1).build())
                    .version());
        }

        @Test
        void metadata_isStoredWithTheEntry() {
            open("ns", writable());
            Map<String, Object> meta = new HashMap<>();
            meta.put("source", "sensor");
            engine.write("ns", "k", 1, "a", WriteOptions.builder().metadata(meta).build());
            meta.put("source", "changed");
            assertEquals(Map.of("source", "sensor"), engine.readEntry("ns", "k", "a").orElseThrow().metadata());
        }
    }

    @Nested
    class Reads {
        @Test
        void eachOutcome_isRecordedWithItsReason() {
            List<MemoryEvent> reads = listen(EventType.MEMORY_READ);
            open("ns", writable().permission("nobody", Permission.NONE).ttl(Duration.ofSeconds(10)));
            engine.write("ns", "k", "v", "a");
            clock.advanceMillis(1);
            assertEquals("v", engine.read("ns", "k", "b"));
            assertRecord(last(), T0 + 1, "b", AccessAction.READ, "ns", "k", true, null);
            MemoryEvent e = awaitEvents(reads, 1).get(0);
            assertEquals(new MemoryEvent(EventType.MEMORY_READ, "ns", "k", "b", "v", null, clock.instant()), e);

            assertNull(engine.read("ns", "missing", "b"));
            assertRecord(last(), T0 + 1, "b", AccessAction.READ, "ns", "missing", false, "Key not found");
            assertNull(engine.read("ns", "k", "nobody"));
            assertRecord(last(), T0 + 1, "nobody", AccessAction.READ, "ns", "k", false, Entries.DENIED_TEXT);
            assertNull(engine.read("absent", "k", "b"));
            assertRecord(last(), T0 + 1, "b", AccessAction.READ, "absent", "k", false,
                    "Namespace \"absent\" does not exist");
            assertNull(engine.read("ns", "k", ""));
            assertRecord(last(), T0 + 1, "", AccessAction.READ, "ns", "k", false, "Invalid agent id: empty");
            assertNull(engine.read("ns", null, "b"));
            assertRecord(last(), T0 + 1, "b", AccessAction.READ, "ns", null, false, "Invalid key: null");
            assertNull(engine.read(null, "k", "b"));
            assertRecord(last(), T0 + 1, "b", AccessAction.READ, null, "k", false, "Invalid namespace name: null");
            assertEquals(Optional.empty(), engine.readEntry("ns", "missing", "b"));

            clock.advanceMillis(9_999);
            assertNull(engine.read("ns", "k", "b"));
            assertRecord(last(), T0 + 10_000, "b", AccessAction.READ, "ns", "k", false, "Entry expired");
            assertEquals(Optional.empty(), engine.readEntry("ns", "k", "b"));
            assertEquals(1, awaitEvents(reads, 1).size(), "only the successful read was published");
        }

        @Test
        void readEntry_givesTheWholeEntry() {
            open("ns", writable());
            clock.advanceMillis(7);
            engine.write("ns", "k", List.of(1), "a", WriteOptions.builder().metadata(Map.of("m", true)).build());
            engine.write("ns", "k", List.of(2), "b", WriteOptions.builder().metadata(Map.of("m", false)).build());
            MemoryEntry e = engine.readEntry("ns", "k", "c").orElseThrow();
            assertEquals(List.of(2), e.value());
            assertEquals("b", e.ownerId());
            assertEquals(2, e.version());
            assertEquals(T0 + 7, e.timestampMillis());
            assertEquals(Map.of("m", false), e.metadata());
            assertEquals(Optional.empty(), e.expiresAt());
        }

        @Test
        void keysAndAll_areSorted_liveOnly_unmodifiable_andRecorded() {
            open("short", writable().ttl(Duration.ofMillis(50)).permission("nobody", Permission.NONE));
            engine.write("short", "b", 2, "a");
            engine.write("short", "a", 1, "a");
            clock.advanceMillis(10);
            engine.write("short", "c", 3, "a");
            assertEquals(List.of("a", "b", "c"), engine.getKeys("short", "r"));
            assertRecord(last(), T0 + 10, "r", AccessAction.READ, "short", null, true, null);
            clock.advanceMillis(40);
            List<String> keys = engine.getKeys("short", "r");
            assertEquals(List.of("c"), keys);
            assertThrows(UnsupportedOperationException.class, () -> keys.add("x"));
            Map<String, Object> all = engine.getAll("short", "r");
            assertEquals(Map.of("c", 3), all);
            assertThrows(UnsupportedOperationException.class, () -> all.put("x", 1));

            assertNull(engine.getKeys("short", "nobody"));
            assertRecord(last(), T0 + 50, "nobody", AccessAction.READ, "short", null, false, Entries.DENIED_TEXT);
            assertNull(engine.getAll("absent", "r"));
            assertRecord(last(), T0 + 50, "r", AccessAction.READ, "absent", null, false,
                    "Namespace \"absent\" does not exist");
            assertNull(engine.getAll("short", " "));
            assertRecord(last(), T0 + 50, " ", AccessAction.READ, "short", null, false, "Invalid agent id: blank");
            assertNull(engine.getKeys(null, "r"));
            assertRecord(last(), T0 + 50, "r", AccessAction.READ, null, null, false, "Invalid namespace name: null");
        }

        @Test
        void all_isInKeyOrder() {
            open("ns", writable());
            for (String k : List.of("z", "m", "a", "q")) {
                engine.write("ns", k, k.toUpperCase(), "a");
            }
            assertEquals(List.of("a", "m", "q", "z"), new ArrayList<>(engine.getAll("ns", "a").keySet()));
            assertEquals(List.of("A", "M", "Q", "Z"), new ArrayList<>(engine.getAll("ns", "a").values()));
        }
    }

    @Nested
    class Deletes {
        @Test
        void eachOutcome_isReturnedAndRecorded() {
            open("ns", writable().permission("reader", Permission.READ).ttl(Duration.ofSeconds(1)));
            engine.write("ns", "k", 1, "a");
            engine.write("ns", "old", 1, "a");
            assertFalse(engine.delete("ns", "k", "reader"));
            assertRecord(last(), T0, "reader", AccessAction.DELETE, "ns", "k", false, Entries.DENIED_TEXT);
            assertTrue(engine.delete("ns", "k", "a"));
            assertRecord(last(), T0, "a", AccessAction.DELETE, "ns", "k", true, null);
            assertNull(engine.read("ns", "k", "a"));
            assertFalse(engine.delete("ns", "k", "a"));
            assertRecord(last(), T0, "a", AccessAction.DELETE, "ns", "k", false, "Key not found");
            assertFalse(engine.delete("absent", "k", "a"));
            assertRecord(last(), T0, "a", AccessAction.DELETE, "absent", "k", false,
                    "Namespace \"absent\" does not exist");
            assertFalse(engine.delete("ns", "k", null));
            assertRecord(last(), T0, null, AccessAction.DELETE, "ns", "k", false, "Invalid agent id: null");
            assertFalse(engine.delete("ns", "", "a"));
            assertRecord(last(), T0, "a", AccessAction.DELETE, "ns", "", false, "Invalid key: empty");
            assertFalse(engine.delete("", "k", "a"));
            assertRecord(last(), T0, "a", AccessAction.DELETE, "", "k", false, "Invalid namespace name: empty");
            clock.advanceMillis(1000);
            assertFalse(engine.delete("ns", "old", "a"));
            assertRecord(last(), T0 + 1000, "a", AccessAction.DELETE, "ns", "old", false, "Entry expired");
            assertEquals(1, engine.cleanupExpired(), "an expired entry is left to the sweep, which reports it");
        }

        @Test
        void aDeletedKey_freesItsRoom_andStartsAgainAtVersionOne() {
            open("ns", writable().maxEntries(1));
            engine.write("ns", "k", 1, "a");
            engine.write("ns", "k", 2, "a");
            assertTrue(engine.delete("ns", "k", "a"));
            assertEquals(WriteResult.written(1), engine.write("ns", "other", 1, "a"));
            assertEquals(Status.NAMESPACE_FULL, engine.write("ns", "k", 1, "a").status());
        }
    }

    @Nested
    class SubscriptionsAndBroadcasts {
        @Test
        void subscribe_refusals_areThrownAndRecorded() {
            open("ns", writable().permission("nobody", Permission.NONE));
            InvalidInputException bad = assertThrows(InvalidInputException.class,
                    () -> engine.subscribe("", "a", e -> { }));
            assertEquals("Invalid namespace name: empty", bad.getMessage());
            assertRecord(last(), T0, "a", AccessAction.SUBSCRIBE, "", null, false, "Invalid namespace name: empty");
            assertThrows(InvalidInputException.class, () -> engine.subscribe("ns", null, e -> { }));
            assertRecord(last(), T0, null, AccessAction.SUBSCRIBE, "ns", null, false, "Invalid agent id: null");
            assertThrows(NullPointerException.class, () -> engine.subscribe("ns", "a", null));
            NamespaceNotFoundException missing = assertThrows(NamespaceNotFoundException.class,
                    () -> engine.subscribe("absent", "a", e -> { }));
            assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
            assertRecord(last(), T0, "a", AccessAction.SUBSCRIBE, "absent", null, false,
                    "Namespace \"absent\" does not exist");
            AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                    () -> engine.subscribe("ns", "nobody", e -> { }));
            assertEquals("Insufficient permissions: agent \"nobody\" may not read namespace \"ns\"",
                    denied.getMessage());
            assertRecord(last(), T0, "nobody", AccessAction.SUBSCRIBE, "ns", null, false, Entries.DENIED_TEXT);
            assertEquals(0, engine.getStats().subscriptions());
        }

        @Test
        void subscribe_isRecordedAndCounted() {
            open("ns", writable());
            open("other", writable());
            Subscription s = engine.subscribe("ns", "a", e -> { });
            assertRecord(last(), T0, "a", AccessAction.SUBSCRIBE, "ns", null, true, null);
            assertEquals("ns", s.namespace());
            assertEquals("a", s.agentId());
            assertTrue(s.isActive());
            engine.subscribe("ns", "b", e -> { });
            engine.subscribe("other", "b", e -> { });
            MemoryStats stats = engine.getStats();
            assertEquals(3, stats.subscriptions());
            assertEquals(List.of(2, 1), stats.namespaceDetails().stream()
                    .map(MemoryStats.NamespaceStats::subscriptions).toList());
        }

        @Test
        void broadcast_isPublishedAndRecorded() {
            List<MemoryEvent> broadcasts = listen(EventType.MEMORY_BROADCAST);
            open("ns", NamespaceConfig.builder().defaultPermission(Permission.READ));
            Map<String, Object> message = new HashMap<>(Map.of("hello", 1));
            engine.broadcast("ns", message, "a");
            message.put("hello", 2);
            assertRecord(last(), T0, "a", AccessAction.BROADCAST, "ns", null, true, null);
            MemoryEvent e = awaitEvents(broadcasts, 1).get(0);
            assertEquals(new MemoryEvent(EventType.MEMORY_BROADCAST, "ns", null, "a", Map.of("hello", 1), null,
                    clock.instant()), e);
        }

        @Test
        void broadcast_refusals_areThrownAndRecorded() {
            open("ns", writable().permission("nobody", Permission.NONE));
            InvalidInputException bad = assertThrows(InvalidInputException.class,
                    () -> engine.broadcast("ns", null, "a"));
            assertEquals("Invalid message: null (null is allowed only inside maps and lists)", bad.getMessage());
            assertRecord(last(), T0, "a", AccessAction.BROADCAST, "ns", null, false,
                    "Invalid value: null (null is allowed only inside maps and lists)");
            assertThrows(InvalidInputException.class, () -> engine.broadcast("ns", "m", ""));
            assertRecord(last(), T0, "", AccessAction.BROADCAST, "ns", null, false, "Invalid agent id: empty");
            assertThrows(NamespaceNotFoundException.class, () -> engine.broadcast("absent", "m", "a"));
            assertRecord(last(), T0, "a", AccessAction.BROADCAST, "absent", null, false,
                    "Namespace \"absent\" does not exist");
            AccessDeniedException denied = assertThrows(AccessDeniedException.class,
                    () -> engine.broadcast("ns", "m", "nobody"));
            assertEquals("Insufficient permissions: agent \"nobody\" may not broadcast to namespace \"ns\"",
                    denied.getMessage());
            assertRecord(last(), T0, "nobody", AccessAction.BROADCAST, "ns", null, false, Entries.DENIED_TEXT);
        }

        @Test
        void listeners_areCountedUntilRemoved() {
            Registration r = engine.on(EventType.MEMORY_WRITE, e -> { });
            engine.on(EventType.MEMORY_READ, e -> { });
            assertEquals(EventType.MEMORY_WRITE, r.type());
            assertEquals(2, engine.getStats().listeners());
            r.remove();
            assertFalse(r.isActive());
            await().atMost(WAIT).until(() -> engine.getStats().listeners() == 1);
            assertThrows(NullPointerException.class, () -> engine.on(null, e -> { }));
            assertThrows(NullPointerException.class, () -> engine.on(EventType.MEMORY_READ, null));
        }
    }

    @Nested
    class Administration {
        @Test
        void clear_needsAdmin_emptiesTheNamespace_andReportsWhatHadExpired() {
            List<MemoryEvent> cleared = listen(EventType.NAMESPACE_CLEARED);
            List<MemoryEvent> cleanups = listen(EventType.MEMORY_CLEANUP);
            open("ns", writable().permission("boss", Permission.ADMIN).maxEntries(2).ttl(Duration.ofSeconds(1)));
            engine.write("ns", "old", 1, "a");
            clock.advanceMillis(1000);
            engine.write("ns", "new", 1, "a");
            assertFalse(engine.clearNamespace("ns", "a"));
            assertRecord(last(), T0 + 1000, "a", AccessAction.CLEAR, "ns", null, false, Entries.DENIED_TEXT);
            assertEquals(List.of("new"), engine.getKeys("ns", "a"));
            assertTrue(engine.clearNamespace("ns", "boss"));
            List<AccessLogEntry> clears = records(AccessAction.CLEAR);
            assertRecord(clears.get(clears.size() - 1), T0 + 1000, "boss", AccessAction.CLEAR, "ns", null, true, null);
            List<AccessLogEntry> expiries = records(AccessAction.EXPIRE);
            assertEquals(1, expiries.size());
            assertRecord(expiries.get(0), T0 + 1000, SYSTEM, AccessAction.EXPIRE, "ns", "old", true, null);
            assertEquals(List.of(), engine.getKeys("ns", "a"));
            assertEquals(List.of("old"), awaitEvents(cleanups, 1).get(0).value());
            MemoryEvent c = awaitEvents(cleared, 1).get(0);
            assertEquals("boss", c.agentId());
            assertEquals("ns", c.namespace());
            // the room is free again
            assertTrue(engine.write("ns", "a", 1, "a").isWritten());
            assertTrue(engine.write("ns", "b", 1, "a").isWritten());
            assertEquals(Status.NAMESPACE_FULL, engine.write("ns", "c", 1, "a").status());
        }

        @Test
        void clear_withNothingExpired_reportsNoExpiry() {
            open("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN));
            engine.write("ns", "k", 1, "a");
            assertTrue(engine.clearNamespace("ns", "a"));
            assertEquals(List.of(), records(AccessAction.EXPIRE));
            assertFalse(engine.clearNamespace("absent", "a"));
            assertRecord(last(), T0, "a", AccessAction.CLEAR, "absent", null, false,
                    "Namespace \"absent\" does not exist");
            assertFalse(engine.clearNamespace("ns", ""));
            assertRecord(last(), T0, "", AccessAction.CLEAR, "ns", null, false, "Invalid agent id: empty");
        }

        @Test
        void updatePermissions_refusesBadMaps_withTheReason() {
            open("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN));
            assertFalse(engine.updatePermissions("ns", null, "a"));
            assertRecord(last(), T0, "a", AccessAction.UPDATE_PERMISSIONS, "ns", null, false,
                    "Invalid permissions: null");
            assertFalse(engine.updatePermissions("ns", Map.of("", Permission.READ), "a"));
            assertRecord(last(), T0, "a", AccessAction.UPDATE_PERMISSIONS, "ns", null, false,
                    "Invalid permissions: Invalid agent id: empty");
            Map<String, Permission> withNull = new HashMap<>();
            withNull.put("b", null);
            assertFalse(engine.updatePermissions("ns", withNull, "a"));
            assertRecord(last(), T0, "a", AccessAction.UPDATE_PERMISSIONS, "ns", null, false,
                    "Invalid permissions: null permission for agent \"b\"");
            // a bad name is the first thing reported
            assertFalse(engine.updatePermissions("", null, "a"));
            assertRecord(last(), T0, "a", AccessAction.UPDATE_PERMISSIONS, "", null, false,
                    "Invalid namespace name: empty");
            assertFalse(engine.updatePermissions("ns", null, null));
            assertRecord(last(), T0, null, AccessAction.UPDATE_PERMISSIONS, "ns", null, false,
                    "Invalid agent id: null");
            assertFalse(engine.updatePermissions("ns", Map.of("b", Permission.READ), ""));
            assertRecord(last(), T0, "", AccessAction.UPDATE_PERMISSIONS, "ns", null, false,
                    "Invalid agent id: empty");
            assertEquals(Map.of(), engine.getNamespaceConfig("ns").orElseThrow().permissions());
        }

        @Test
        void updatePermissions_replacesTheOverrides_andIsPublished() {
            List<MemoryEvent> updates = listen(EventType.NAMESPACE_PERMISSIONS_UPDATED);
            open("ns", writable().permission("boss", Permission.ADMIN).conflictStrategy(NamespaceConfig.FIRST_WINS)
                    .maxEntries(9));
            assertFalse(engine.updatePermissions("ns", Map.of("a", Permission.ADMIN), "a"));
            assertRecord(last(), T0, "a", AccessAction.UPDATE_PERMISSIONS, "ns", null, false, Entries.DENIED_TEXT);
            Map<String, Permission> next = Map.of("boss", Permission.ADMIN, "a", Permission.READ);
            assertTrue(engine.updatePermissions("ns", next, "boss"));
            assertRecord(last(), T0, "boss", AccessAction.UPDATE_PERMISSIONS, "ns", null, true, null);
            NamespaceConfig config = engine.getNamespaceConfig("ns").orElseThrow();
            assertEquals(next, config.permissions());
            assertEquals(NamespaceConfig.FIRST_WINS, config.conflictStrategy(), "the rest of the config stays");
            assertEquals(9, config.maxEntries());
            assertEquals(Status.DENIED, engine.write("ns", "k", 1, "a").status());
            MemoryEvent e = awaitEvents(updates, 1).get(0);
            assertEquals(next, e.value());
            assertEquals("boss", e.agentId());
            assertFalse(engine.updatePermissions("absent", next, "boss"));
            assertRecord(last(), T0, "boss", AccessAction.UPDATE_PERMISSIONS, "absent", null, false,
                    "Namespace \"absent\" does not exist");
        }

        @Test
        void updatePermissions_endsTheSubscriptionsOfAgentsWhoMayNoLongerRead() {
            open("ns", writable().permission("boss", Permission.ADMIN));
            Subscription a = engine.subscribe("ns", "a", e -> { });
            Subscription b = engine.subscribe("ns", "b", e -> { });
            assertTrue(engine.updatePermissions("ns", Map.of("boss", Permission.ADMIN, "a", Permission.NONE),
                    "boss"));
            await().atMost(WAIT).until(() -> !a.isActive());
            assertTrue(b.isActive());
        }
    }

    @Nested
    class StatsAndExpiry {
        @Test
        void stats_countLiveEntriesPerNamespace_sortedByName() {
            open("b-ttl", writable().ttl(Duration.ofSeconds(1)).permission("x", Permission.READ));
            open("a-plain", writable().conflictStrategy(NamespaceConfig.FIRST_WINS));
            engine.write("a-plain", "k1", 1, "w");
            engine.write("a-plain", "k2", 1, "w");
            engine.write("b-ttl", "k1", 1, "w");
            clock.advanceMillis(500);
            engine.write("b-ttl", "k2", 1, "w");
            engine.write("b-ttl", "k3", 1, "w");
            MemoryStats s = engine.getStats();
            assertEquals(2, s.namespaces());
            assertEquals(5, s.totalEntries());
            assertEquals(recordCount(), s.totalAccessLogs());
            assertEquals(0, s.auditFailures());
            assertEquals(List.of(
                    new MemoryStats.NamespaceStats("a-plain", 2, Permission.WRITE, Map.of(),
                            NamespaceConfig.FIRST_WINS, 0),
                    new MemoryStats.NamespaceStats("b-ttl", 3, Permission.WRITE, Map.of("x", Permission.READ),
                            NamespaceConfig.LATEST_WINS, 0)), s.namespaceDetails());
            clock.advanceMillis(500);
            s = engine.getStats();
            assertEquals(4, s.totalEntries(), "the expired entry is not counted, swept or not");
            assertEquals(List.of(2L, 2L), s.namespaceDetails().stream().map(MemoryStats.NamespaceStats::entries)
                    .toList());
        }

        @Test
        void cleanupExpired_removesAndReportsEachExpiredEntryOnce() {
            List<MemoryEvent> cleanups = listen(EventType.MEMORY_CLEANUP);
            open("t", writable().ttl(Duration.ofMillis(100)));
            open("plain", writable());
            engine.write("plain", "k", 1, "a");
            engine.write("t", "a", 1, "a");
            engine.write("t", "b", 1, "a");
            clock.advanceMillis(50);
            engine.write("t", "c", 1, "a");
            assertEquals(0, engine.cleanupExpired());
            clock.advanceMillis(50);
            assertEquals(2, engine.cleanupExpired());
            assertEquals(0, engine.cleanupExpired());
            List<AccessLogEntry> expiries = records(AccessAction.EXPIRE);
            assertEquals(List.of("a", "b"), expiries.stream().map(AccessLogEntry::key).sorted().toList());
            assertTrue(expiries.stream().allMatch(e -> e.success() && SYSTEM.equals(e.agentId())
                    && "t".equals(e.namespace()) && e.timestampMillis() == T0 + 100));
            MemoryEvent e = awaitEvents(cleanups, 1).get(0);
            assertEquals("t", e.namespace());
            assertEquals(List.of("a", "b"), ((List<?>) e.value()).stream().map(String::valueOf).sorted().toList());
            clock.advanceMillis(50);
            assertEquals(1, engine.cleanupExpired());
            assertEquals(List.of(), engine.getKeys("t", "a"));
            assertEquals(List.of("k"), engine.getKeys("plain", "a"));
            assertEquals(1, engine.getStats().totalEntries());
        }

        @Test
        void theSweeper_runsOnItsOwnOnceAnIntervalIsConfigured() {
            open("t", writable().ttl(Duration.ofMillis(10)));
            engine.write("t", "k", 1, "a");
            clock.advanceMillis(10);
            engine.reconfigure(TestStores.options().clock(clock).cleanupInterval(Duration.ofMillis(20))
                    .maxLogSize(500).build());
            await().atMost(WAIT).until(() -> !records(AccessAction.EXPIRE).isEmpty());
            assertRecord(records(AccessAction.EXPIRE).get(0), T0 + 10, SYSTEM, AccessAction.EXPIRE, "t", "k", true,
                    null);
        }

        @Test
        void aSweeperConfiguredAtCreation_runsOnItsOwn() {
            Engine other = new Engine(TestStores.options().clock(clock)
                    .cleanupInterval(Duration.ofMillis(20)).build(), registry, null);
            try {
                other.createNamespace("t", writable().ttl(Duration.ofMillis(10)).build());
                other.write("t", "k", 1, "a");
                clock.advanceMillis(10);
                await().atMost(WAIT).until(() -> other.getStats().namespaceDetails().get(0).entries() == 0
                        && !records(AccessAction.EXPIRE).isEmpty());
            } finally {
                other.destroy();
            }
        }
    }

    @Nested
    class Plugins {
        @Test
        void theLogCapacity_isPushedAtStart_onReconfiguration_andToANewLog() {
            assertEquals(500, log.capacity);
            engine.reconfigure(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO)
                    .maxLogSize(123).build());
            assertEquals(123, log.capacity);
            TestPlugins.ListLog better = new TestPlugins.ListLog();
            registry.addAuditSink(better, 5, 10, "test");
            assertEquals(123, better.capacity);
        }

        @Test
        void aLogThatRefusesItsCapacity_doesNotStopTheEngine() {
            TestPlugins.ListLog inner = new TestPlugins.ListLog();
            AccessLog stubborn = new AccessLog() {
                @Override
                public void record(AccessLogEntry entry) {
                    inner.record(entry);
                }

                @Override
                public List<AccessLogEntry> query(AccessLogQuery query) {
                    return inner.query(query);
                }

                @Override
                public long size() {
                    return inner.size();
                }

                @Override
                public void capacity(int maxEntries) {
                    throw new IllegalArgumentException("no");
                }
            };
            registry.addAuditSink(stubborn, 5, 10, "test");
            engine.reconfigure(TestStores.options().clock(clock).maxLogSize(99).build());
            engine.createNamespace("ns", writable().build());
            assertTrue(engine.write("ns", "k", 1, "a").isWritten());
            engine.read("ns", "k", "a");
            assertEquals(2, stubborn.size());
        }

        @Test
        void accessLog_isQueriedFromTheRankedLog() {
            engine.createNamespace("ns", writable().build());
            engine.write("ns", "k", 1, "a");
            engine.read("ns", "k", "b");
            assertEquals(log.entries, engine.getAccessLog());
            List<AccessLogEntry> writes = engine.getAccessLog(AccessLogQuery.builder().action(AccessAction.WRITE)
                    .build());
            assertEquals(1, writes.size());
            assertEquals("a", writes.get(0).agentId());
            assertThrows(NullPointerException.class, () -> engine.getAccessLog(null));
            registry.removeAuditSink(log);
            assertEquals(List.of(), engine.getAccessLog());
            assertEquals(0, engine.getStats().totalAccessLogs());
        }

        @Test
        void everyAuditSink_getsEveryRecord_andFailuresAreCounted() {
            List<AccessLogEntry> second = new CopyOnWriteArrayList<>();
            AuditSink failing = e -> {
                throw new IllegalStateException("disk full");
            };
            AuditSink failingWithError = e -> {
                throw new AssertionError("bug");
            };
            registry.addAuditSink(failing, 9, 10, "test");
            registry.addAuditSink(second::add, -1, 11, "test");
            registry.addAuditSink(failingWithError, 8, 12, "test");
            engine.createNamespace("ns", writable().build());
            engine.write("ns", "k", 1, "a");
            engine.read("ns", "k", "b");
            assertEquals(2, second.size());
            assertEquals(log.entries, second);
            assertEquals(4, engine.getStats().auditFailures());
        }

        @Test
        void aPermissionProviderThatFailsOrAnswersNull_deniesEverything_butAFatalErrorIsNotSwallowed() {
            engine.createNamespace("ns", writable().build());
            registry.addPermissionProvider((ns, agent, config) -> {
                throw new LinkageError("bundle gone");
            }, 10, 20, "test");
            assertEquals(Status.DENIED, engine.write("ns", "k", 1, "a").status());
            registry.addPermissionProvider((ns, agent, config) -> null, 11, 21, "test");
            assertNull(engine.getKeys("ns", "a"));
            registry.addPermissionProvider((ns, agent, config) -> {
                throw new OutOfMemoryError("simulated");
            }, 12, 22, "test");
            assertThrows(OutOfMemoryError.class, () -> engine.read("ns", "k", "a"));
        }

        @Test
        void aFatalErrorInAnAuditSink_isNotSwallowed() {
            registry.addAuditSink(e -> {
                throw new StackOverflowError("simulated");
            }, 9, 10, "test");
            engine.createNamespace("ns", writable().build());
            assertThrows(StackOverflowError.class, () -> engine.write("ns", "k", 1, "a"));
        }
    }

    @Nested
    class RequiredAuditSink {
        @BeforeEach
        void requireOne() {
            engine.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
            engine.write("ns", "k", 1, "a");
            engine.reconfigure(TestStores.options().clock(clock).requireAuditSink(true).build());
            registry.removeAuditSink(log);
        }

        @Test
        void withoutOne_everyOperationIsRefused_andNothingChanges() {
            assertEquals(WriteResult.refused(Status.AUDIT_UNAVAILABLE, 0, Core.AUDIT_UNAVAILABLE_TEXT),
                    engine.write("ns", "k", 2, "a"));
            assertNull(engine.read("ns", "k", "a"));
            assertEquals(Optional.empty(), engine.readEntry("ns", "k", "a"));
            assertNull(engine.getKeys("ns", "a"));
            assertNull(engine.getAll("ns", "a"));
            assertFalse(engine.delete("ns", "k", "a"));
            assertFalse(engine.clearNamespace("ns", "a"));
            assertFalse(engine.deleteNamespace("ns", "a"));
            assertFalse(engine.updatePermissions("ns", Map.of(), "a"));
            assertEquals(Core.AUDIT_UNAVAILABLE_TEXT, assertThrows(RuntimeException.class,
                    () -> engine.createNamespace("other")).getMessage());
            assertThrows(RuntimeException.class, () -> engine.subscribe("ns", "a", e -> { }));
            assertThrows(RuntimeException.class, () -> engine.broadcast("ns", "m", "a"));
            assertThrows(RuntimeException.class, () -> engine.on(EventType.MEMORY_WRITE, e -> { }));
            assertEquals(Core.AUDIT_UNAVAILABLE_TEXT, assertThrows(RuntimeException.class,
                    () -> engine.session(io.sharedmemory.api.Credentials.token("t"))).getMessage());
            registry.addAuditSink(log, 0, 30, "test");
            assertEquals(Map.of("k", 1), engine.getAll("ns", "a"), "nothing changed");
            assertEquals(List.of("ns"), engine.getNamespaces());
            assertEquals(0, engine.getStats().listeners());
            assertEquals(0, engine.getStats().subscriptions());
        }

        @Test
        void badInput_isStillReportedFirst() {
            assertEquals(Status.INVALID, engine.write("ns", "", 2, "a").status());
            assertThrows(InvalidInputException.class, () -> engine.subscribe("ns", "", e -> { }));
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void destroy_runsItsCallbackOnce_andRefusesWhatWouldStartSomething() {
            engine.createNamespace("ns", writable().build());
            assertFalse(engine.isDestroyed());
            engine.destroy();
            engine.destroy();
            assertEquals(1, destroyedCalls.get());
            assertTrue(engine.isDestroyed());
            assertEquals("SharedMemory[namespaces=0" + storeSuffix() + ", destroyed]", engine.toString());
            assertEquals(List.of(), engine.getNamespaces());
            String msg = "This shared memory has been destroyed";
            assertEquals(msg, assertThrows(IllegalStateException.class, () -> engine.createNamespace("x"))
                    .getMessage());
            assertEquals(msg, assertThrows(IllegalStateException.class,
                    () -> engine.on(EventType.MEMORY_WRITE, e -> { })).getMessage());
            assertEquals(Status.NO_NAMESPACE, engine.write("ns", "k", 1, "a").status());
        }

        @Test
        void destroy_endsSubscriptionsAndListeners() {
            engine.createNamespace("ns", writable().build());
            Subscription s = engine.subscribe("ns", "a", e -> { });
            Registration r = engine.on(EventType.MEMORY_WRITE, e -> { });
            engine.destroy();
            await().atMost(WAIT).until(() -> !s.isActive() && !r.isActive());
            assertThrows(IllegalStateException.class, () -> engine.subscribe("ns", "a", e -> { }));
        }

        @Test
        void withoutACallback_destroyJustStops() {
            Engine other = new Engine(TestStores.options().clock(clock).build(), registry, null);
            other.destroy();
            assertTrue(other.isDestroyed());
            assertSame(TestStores.options().build().identity(), other.identityMode());
        }
    }
}
