package io.sharedmemory.engine;



import io.sharedmemory.engine.conformance.TestStores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
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
import io.sharedmemory.engine.internal.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The specification's behaviour, feature by feature, through the public API with the real plugins found by
 * {@link java.util.ServiceLoader} — as a plain-Java user gets them from {@link SharedMemory#create()}.
 */
class SharedMemorySpecTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private SharedMemory memory;

    @BeforeEach
    void create() {
        memory = SharedMemory.create(TestStores.options().clock(clock).cleanupInterval(Duration.ZERO)
                .build());
    }

    @AfterEach
    void destroy() {
        memory.destroy();
    }

    private void open(String ns) {
        memory.createNamespace(ns, NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
    }

    private void open(String ns, String strategy) {
        memory.createNamespace(ns, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(strategy).build());
    }

    @Nested
    class Namespaces {
        @Test
        void basicUsage() {
            memory.createNamespace("team-chat", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.LATEST_WINS).build());
            assertTrue(memory.write("team-chat", "status", "ready", "agent-1").isWritten());
            assertEquals("ready", memory.read("team-chat", "status", "agent-2"));
        }

        @Test
        void namespacesIsolateData() {
            open("a");
            open("b");
            memory.write("a", "k", "in-a", "agent");
            assertNull(memory.read("b", "k", "agent"));
            assertEquals(List.of("k"), memory.getKeys("a", "agent"));
            assertEquals(List.of(), memory.getKeys("b", "agent"));
        }

        @Test
        void defaultsAreReadLatestWinsUnlimitedForever() {
            memory.createNamespace("d");
            NamespaceConfig c = memory.getNamespaceConfig("d").orElseThrow();
            assertEquals(Permission.READ, c.defaultPermission());
            assertEquals("latest-wins", c.conflictStrategy());
            assertEquals(0, c.maxEntries());
            assertEquals(Duration.ZERO, c.ttl());
            assertEquals(Status.DENIED, memory.write("d", "k", 1, "agent").status());
        }

        @Test
        void recreatingReplacesConfigAndKeepsData() {
            open("ns");
            memory.write("ns", "k", "v", "agent");
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.READ)
                    .conflictStrategy(NamespaceConfig.FIRST_WINS).build());
            assertEquals("v", memory.read("ns", "k", "agent"));
            assertEquals(NamespaceConfig.FIRST_WINS, memory.getNamespaceConfig("ns").orElseThrow().conflictStrategy());
            assertEquals(Status.DENIED, memory.write("ns", "k", "w", "agent").status());
        }

        @Test
        void missingNamespaceIsReportedEverywhere() {
            assertEquals(Status.NO_NAMESPACE, memory.write("nope", "k", 1, "a").status());
            assertNull(memory.read("nope", "k", "a"));
            assertTrue(memory.readEntry("nope", "k", "a").isEmpty());
            assertFalse(memory.delete("nope", "k", "a"));
            assertNull(memory.getKeys("nope", "a"));
            assertNull(memory.getAll("nope", "a"));
            assertFalse(memory.clearNamespace("nope", "a"));
            assertFalse(memory.deleteNamespace("nope", "a"));
            assertFalse(memory.updatePermissions("nope", Map.of("x", Permission.READ), "a"));
            assertThrows(NamespaceNotFoundException.class, () -> memory.subscribe("nope", "a", e -> { }));
            assertThrows(NamespaceNotFoundException.class, () -> memory.broadcast("nope", "hi", "a"));
            List<AccessLogEntry> log = memory.getAccessLog(AccessLogQuery.builder().namespace("nope").build());
            assertEquals(11, log.size());
            assertTrue(log.stream().allMatch(e -> !e.success() && "Namespace \"nope\" does not exist".equals(e.error())),
                    log::toString);
        }
    }

    @Nested
    class Permissions {
        @BeforeEach
        void sensitive() {
            memory.createNamespace("sensitive", NamespaceConfig.builder()
                    .defaultPermission(Permission.NONE)
                    .permission("admin-agent", Permission.ADMIN)
                    .permission("writer-agent", Permission.WRITE)
                    .permission("reader-agent", Permission.READ)
                    .build());
        }

        @Test
        void theSpecsNullDefaultPermission_meansNoDefaultAccess() {
            memory.createNamespace("null-default", NamespaceConfig.builder().defaultPermission(null)
                    .permission("writer-agent", Permission.WRITE).build());
            assertEquals(Permission.NONE, memory.getNamespaceConfig("null-default").orElseThrow().defaultPermission());
            assertTrue(memory.write("null-default", "key", "value", "writer-agent").isWritten());
            assertNull(memory.read("null-default", "key", "unknown-agent"));
            assertEquals(Status.DENIED, memory.write("null-default", "key", "x", "unknown-agent").status());
        }

        @Test
        void theSpecMatrix() {
            assertTrue(memory.write("sensitive", "key", "value", "admin-agent").isWritten());
            assertTrue(memory.delete("sensitive", "key", "admin-agent"));
            assertTrue(memory.write("sensitive", "key", "value", "writer-agent").isWritten());
            assertEquals("value", memory.read("sensitive", "key", "writer-agent"));
            assertEquals("value", memory.read("sensitive", "key", "reader-agent"));
            WriteResult denied = memory.write("sensitive", "key", "x", "reader-agent");
            assertEquals(Status.DENIED, denied.status());
            assertEquals("Insufficient permissions", denied.message());
            assertEquals(1, denied.version());
            assertNull(memory.read("sensitive", "key", "unknown-agent"));
            assertFalse(memory.delete("sensitive", "key", "reader-agent"));
            assertEquals("value", memory.read("sensitive", "key", "admin-agent"));
        }

        @Test
        void adminOnlyOperations() {
            assertFalse(memory.clearNamespace("sensitive", "writer-agent"));
            assertFalse(memory.deleteNamespace("sensitive", "writer-agent"));
            assertFalse(memory.updatePermissions("sensitive", Map.of("x", Permission.ADMIN), "writer-agent"));
            assertTrue(memory.updatePermissions("sensitive", Map.of("new-agent", Permission.WRITE,
                    "reader-agent", Permission.NONE), "admin-agent"));
            assertTrue(memory.write("sensitive", "k", 1, "new-agent").isWritten());
            assertNull(memory.read("sensitive", "k", "reader-agent"));
            assertEquals(Permission.WRITE,
                    memory.getNamespaceConfig("sensitive").orElseThrow().permissions().get("new-agent"));
            assertTrue(memory.clearNamespace("sensitive", "admin-agent"));
            assertEquals(List.of(), memory.getKeys("sensitive", "admin-agent"));
            assertTrue(memory.deleteNamespace("sensitive", "admin-agent"));
            assertTrue(memory.getNamespaceConfig("sensitive").isEmpty());
        }

        @Test
        void subscribeAndBroadcastNeedRead() {
            assertThrows(AccessDeniedException.class, () -> memory.subscribe("sensitive", "unknown-agent", e -> { }));
            assertThrows(AccessDeniedException.class, () -> memory.broadcast("sensitive", "hi", "unknown-agent"));
            memory.subscribe("sensitive", "reader-agent", e -> { }).unsubscribe();
            memory.broadcast("sensitive", "hi", "reader-agent");
        }

        @Test
        void deniedWriteFiresConflictAndIsLogged() throws InterruptedException {
            List<MemoryEvent> conflicts = new CopyOnWriteArrayList<>();
            Registration r = memory.on(EventType.MEMORY_CONFLICT, conflicts::add);
            memory.write("sensitive", "k", 1, "reader-agent");
            assertTrue(r.awaitDelivery(WAIT));
            assertEquals(1, conflicts.size());
            assertEquals("permission_denied", conflicts.get(0).reason());
            AccessLogEntry last = memory.getAccessLog(AccessLogQuery.builder().action(AccessAction.WRITE).build())
                    .get(0);
            assertFalse(last.success());
            assertEquals("Insufficient permissions", last.error());
        }
    }

    @Nested
    class Strategies {
        @Test
        void latestWins() {
            open("latest", NamespaceConfig.LATEST_WINS);
            memory.write("latest", "value", 1, "agent-1");
            assertEquals(WriteResult.written(2), memory.write("latest", "value", 2, "agent-2"));
            assertEquals(2, (int) memory.read("latest", "value", "agent-1"));
        }

        @Test
        void firstWins() {
            open("first", NamespaceConfig.FIRST_WINS);
            memory.write("first", "value", 1, "agent-1");
            WriteResult r = memory.write("first", "value", 2, "agent-2");
            assertEquals(Status.REJECTED, r.status());
            assertEquals(1, r.version());
            assertEquals(1, (int) memory.read("first", "value", "agent-1"));
            AccessLogEntry logged = memory.getAccessLog(AccessLogQuery.builder().agentId("agent-2").build()).get(0);
            assertEquals("Conflict resolution rejected write", logged.error());
        }

        @Test
        void firstWinsAcceptsAgainAfterDelete() {
            open("first", NamespaceConfig.FIRST_WINS);
            memory.write("first", "value", 1, "agent-1");
            memory.delete("first", "value", "agent-1");
            assertEquals(WriteResult.written(1), memory.write("first", "value", 2, "agent-2"));
        }

        @Test
        void mergeMapsAndLists() {
            open("merge", NamespaceConfig.MERGE);
            memory.write("merge", "user", Map.of("name", "Alice"), "agent-1");
            memory.write("merge", "user", Map.of("age", 30), "agent-2");
            assertEquals(Map.of("name", "Alice", "age", 30), memory.read("merge", "user", "agent-1"));
            memory.write("merge", "list", List.of(1, 2), "agent-1");
            memory.write("merge", "list", List.of(3), "agent-1");
            assertEquals(List.of(1, 2, 3), memory.read("merge", "list", "agent-1"));
            memory.write("merge", "scalar", 1, "agent-1");
            memory.write("merge", "scalar", "two", "agent-1");
            assertEquals("two", memory.read("merge", "scalar", "agent-1"));
        }

        @Test
        void mergeIncomingWinsPerKeyAndWriteEventCarriesMergedValue() throws InterruptedException {
            open("merge", NamespaceConfig.MERGE);
            List<MemoryEvent> writes = new CopyOnWriteArrayList<>();
            Registration r = memory.on(EventType.MEMORY_WRITE, writes::add);
            memory.write("merge", "u", Map.of("a", 1, "b", 1), "x");
            memory.write("merge", "u", Map.of("b", 2), "x");
            assertTrue(r.awaitDelivery(WAIT));
            assertEquals(Map.of("a", 1, "b", 2), writes.get(1).value());
        }

        @Test
        void versionNeedsExpectedVersionForUpdates() {
            open("v", NamespaceConfig.VERSION);
            assertTrue(memory.write("v", "k", 1, "a").isWritten());
            WriteResult blind = memory.write("v", "k", 2, "a");
            assertEquals(Status.REJECTED, blind.status());
            assertTrue(blind.message().contains("expectedVersion"), blind.message());
            assertEquals(WriteResult.written(2),
                    memory.write("v", "k", 2, "a", WriteOptions.builder().expectedVersion(1).build()));
            WriteResult stale = memory.write("v", "k", 3, "a", WriteOptions.builder().expectedVersion(1).build());
            assertEquals(Status.VERSION_MISMATCH, stale.status());
            assertEquals(2, stale.version());
        }

        @Test
        void expectedVersionIsCompareAndSetInAnyNamespace() throws InterruptedException {
            open("cas");
            List<MemoryEvent> conflicts = new CopyOnWriteArrayList<>();
            Registration r = memory.on(EventType.MEMORY_CONFLICT, conflicts::add);
            assertTrue(memory.write("cas", "k", 1, "a", WriteOptions.builder().expectedVersion(0).build()).isWritten());
            assertEquals(Status.VERSION_MISMATCH,
                    memory.write("cas", "k", 1, "a", WriteOptions.builder().expectedVersion(0).build()).status());
            assertTrue(r.awaitDelivery(WAIT));
            assertEquals("version_mismatch", conflicts.get(0).reason());
        }

        @Test
        void customResolverKeepsHigherScore() {
            memory.createNamespace("custom", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.CUSTOM)
                    .conflictResolver((existing, incoming, key) ->
                            ((Number) existing.value()).intValue() > ((Number) incoming.value()).intValue()
                                    ? existing : incoming)
                    .build());
            memory.write("custom", "score", 100, "agent-1");
            assertEquals(Status.REJECTED, memory.write("custom", "score", 50, "agent-2").status());
            assertEquals(100, (int) memory.read("custom", "score", "agent-1"));
            assertTrue(memory.write("custom", "score", 150, "agent-2").isWritten());
            assertEquals(150, (int) memory.read("custom", "score", "agent-1"));
        }

        @Test
        void customResolverMayStoreAThirdValue() {
            memory.createNamespace("sum", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.CUSTOM)
                    .conflictResolver((existing, incoming, key) -> MemoryEntry.of(
                            ((Number) existing.value()).intValue() + ((Number) incoming.value()).intValue(),
                            incoming.ownerId(), incoming.timestamp(), incoming.version(), incoming.metadata()))
                    .build());
            memory.write("sum", "n", 1, "a");
            memory.write("sum", "n", 2, "a");
            WriteResult r = memory.write("sum", "n", 3, "a");
            assertEquals(WriteResult.written(3), r);
            assertEquals(6, (int) memory.read("sum", "n", "a"));
        }

        @Test
        void resolverIsNotAskedForFirstWrite() {
            List<String> asked = new CopyOnWriteArrayList<>();
            memory.createNamespace("c", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.CUSTOM)
                    .conflictResolver((existing, incoming, key) -> {
                        asked.add(key);
                        return incoming;
                    }).build());
            memory.write("c", "k", 1, "a");
            assertEquals(List.of(), asked);
            memory.write("c", "k", 2, "a");
            assertEquals(List.of("k"), asked);
        }

        @Test
        void unknownStrategyIsUnavailableUntilInstalled() {
            open("future", "no-such-strategy");
            WriteResult r = memory.write("future", "k", 1, "a");
            assertEquals(Status.STRATEGY_UNAVAILABLE, r.status());
            assertTrue(r.message().contains("no-such-strategy"), r.message());
            assertEquals(List.of(), memory.getKeys("future", "a"));
        }
    }

    @Nested
    class Entries {
        @Test
        void entryCarriesOwnerVersionTimestampMetadata() {
            open("ns");
            memory.write("ns", "k", "v1", "agent-1", WriteOptions.builder().metadata(Map.of("source", "llm")).build());
            clock.advance(Duration.ofSeconds(1));
            memory.write("ns", "k", "v2", "agent-2");
            MemoryEntry e = memory.readEntry("ns", "k", "agent-1").orElseThrow();
            assertEquals("v2", e.value());
            assertEquals("agent-2", e.ownerId());
            assertEquals(2, e.version());
            assertEquals(clock.instant(), e.timestamp());
            assertEquals(Map.of(), e.metadata());
            memory.write("ns", "m", "v", "agent-1", WriteOptions.builder().metadata(Map.of("source", "llm")).build());
            assertEquals(Map.of("source", "llm"), memory.readEntry("ns", "m", "agent-1").orElseThrow().metadata());
        }

        @Test
        void valuesAreImmutableSnapshots() {
            open("ns");
            Map<String, Object> original = new HashMap<>();
            List<Object> tags = new ArrayList<>(List.of("a"));
            original.put("tags", tags);
            original.put("n", 1);
            memory.write("ns", "k", original, "agent");
            original.put("n", 2);
            tags.add("b");
            Map<String, Object> read = memory.read("ns", "k", "agent");
            assertEquals(Map.of("tags", List.of("a"), "n", 1), read);
            assertThrows(UnsupportedOperationException.class, () -> read.put("x", 1));
            @SuppressWarnings("unchecked")
            List<Object> readTags = (List<Object>) read.get("tags");
            assertThrows(UnsupportedOperationException.class, () -> readTags.add("c"));
            assertEquals(Map.of("tags", List.of("a"), "n", 1), memory.read("ns", "k", "agent"));
        }

        @Test
        void nullInsideContainersIsKept() {
            open("ns");
            Map<String, Object> v = new HashMap<>();
            v.put("missing", null);
            v.put("list", java.util.Arrays.asList(1, null, 3));
            assertTrue(memory.write("ns", "k", v, "a").isWritten());
            Map<String, Object> read = memory.read("ns", "k", "a");
            assertTrue(read.containsKey("missing"));
            assertNull(read.get("missing"));
            assertEquals(java.util.Arrays.asList(1, null, 3), read.get("list"));
        }

        @Test
        void getKeysAndGetAll() {
            open("ns");
            memory.write("ns", "key1", 1, "a");
            memory.write("ns", "key2", 2, "a");
            memory.write("ns", "key3", 3, "a");
            assertEquals(List.of("key1", "key2", "key3"), memory.getKeys("ns", "a"));
            assertEquals(Map.of("key1", 1, "key2", 2, "key3", 3), memory.getAll("ns", "a"));
        }

        @Test
        void deleteReportsMissingKey() {
            open("ns");
            assertFalse(memory.delete("ns", "k", "a"));
            assertEquals("Key not found", memory.getAccessLog().get(memory.getAccessLog().size() - 1).error());
        }

        @Test
        void maxEntriesRefusesNewKeysOnly() {
            memory.createNamespace("small", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .maxEntries(2).build());
            assertTrue(memory.write("small", "a", 1, "x").isWritten());
            assertTrue(memory.write("small", "b", 1, "x").isWritten());
            WriteResult full = memory.write("small", "c", 1, "x");
            assertEquals(Status.NAMESPACE_FULL, full.status());
            assertEquals("Namespace full", full.message());
            assertTrue(memory.write("small", "a", 2, "x").isWritten());
            assertTrue(memory.delete("small", "b", "x"));
            assertTrue(memory.write("small", "c", 1, "x").isWritten());
        }
    }

    @Nested
    class SubscriptionsAndEvents {
        @Test
        void subscriberSeesWritesAndDeletesInOrder() throws InterruptedException {
            open("events");
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            Subscription s = memory.subscribe("events", "agent-1", seen::add);
            memory.write("events", "user-joined", Map.of("id", "123"), "agent-2");
            memory.delete("events", "user-joined", "agent-2");
            assertTrue(s.awaitDelivery(WAIT));
            assertEquals(2, seen.size());
            ChangeEvent w = seen.get(0);
            assertEquals("user-joined", w.key());
            assertEquals(Map.of("id", "123"), w.value());
            assertEquals("agent-2", w.agentId());
            assertEquals(ChangeAction.WRITE, w.action());
            assertEquals(1, w.version());
            assertEquals(ChangeAction.DELETE, seen.get(1).action());
            assertNull(seen.get(1).value());
        }

        @Test
        void unsubscribeStopsDelivery() throws InterruptedException {
            open("events");
            List<ChangeEvent> a = new CopyOnWriteArrayList<>();
            List<ChangeEvent> b = new CopyOnWriteArrayList<>();
            Subscription sa = memory.subscribe("events", "a", a::add);
            Subscription sb = memory.subscribe("events", "b", b::add);
            assertEquals(2, memory.getStats().subscriptions());
            memory.write("events", "k", 1, "w");
            assertTrue(sa.awaitDelivery(WAIT));
            sa.unsubscribe();
            assertFalse(sa.isActive());
            memory.write("events", "k", 2, "w");
            assertTrue(sb.awaitDelivery(WAIT));
            assertEquals(1, a.size());
            assertEquals(2, b.size());
            sb.close();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> memory.getStats().subscriptions() == 0);
        }

        @Test
        void broadcastReachesSubscribersAndListeners() throws InterruptedException {
            open("announcements");
            List<ChangeEvent> subs = new CopyOnWriteArrayList<>();
            List<MemoryEvent> listened = new CopyOnWriteArrayList<>();
            Subscription s = memory.subscribe("announcements", "agent-1", subs::add);
            Registration r = memory.on(EventType.MEMORY_BROADCAST, listened::add);
            memory.broadcast("announcements", Map.of("type", "alert", "text", "maintenance"), "system-agent");
            assertTrue(s.awaitDelivery(WAIT));
            assertTrue(r.awaitDelivery(WAIT));
            assertEquals(ChangeAction.BROADCAST, subs.get(0).action());
            assertEquals(Map.of("type", "alert", "text", "maintenance"), subs.get(0).value());
            assertEquals("system-agent", listened.get(0).agentId());
            assertEquals(Map.of("type", "alert", "text", "maintenance"), listened.get(0).value());
            assertEquals(List.of(), memory.getKeys("announcements", "agent-1"));
        }

        @Test
        void everyEventTypeFires() throws InterruptedException {
            List<MemoryEvent> all = new CopyOnWriteArrayList<>();
            List<Registration> regs = new ArrayList<>();
            for (EventType t : EventType.values()) {
                regs.add(memory.on(t, all::add));
            }
            memory.createNamespace("e", NamespaceConfig.builder().defaultPermission(Permission.ADMIN)
                    .conflictStrategy(NamespaceConfig.FIRST_WINS).ttl(Duration.ofSeconds(1)).build());
            memory.write("e", "k", 1, "a");
            memory.read("e", "k", "a");
            memory.write("e", "k", 2, "a");
            memory.broadcast("e", "hi", "a");
            memory.updatePermissions("e", Map.of("b", Permission.READ), "a");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(1, memory.cleanupExpired());
            memory.clearNamespace("e", "a");
            memory.deleteNamespace("e", "a");
            for (Registration r : regs) {
                assertTrue(r.awaitDelivery(WAIT));
            }
            Map<EventType, MemoryEvent> byType = new HashMap<>();
            all.forEach(e -> byType.putIfAbsent(e.type(), e));
            assertEquals(Set.of(EventType.values()), byType.keySet());
            assertEquals(1, byType.get(EventType.MEMORY_READ).value());
            assertEquals("conflict_rejected", byType.get(EventType.MEMORY_CONFLICT).reason());
            assertEquals(List.of("k"), byType.get(EventType.MEMORY_CLEANUP).value());
            assertEquals("e", byType.get(EventType.NAMESPACE_DELETED).namespace());
            assertEquals(Map.of("b", Permission.READ), byType.get(EventType.NAMESPACE_PERMISSIONS_UPDATED).value());
            assertEquals("memory:write", EventType.MEMORY_WRITE.topic());
            assertEquals("namespace:permissions_updated", EventType.NAMESPACE_PERMISSIONS_UPDATED.topic());
        }

        @Test
        void throwingListenerDoesNotStopOthersOrWriter() throws InterruptedException {
            open("ns");
            List<ChangeEvent> good = new CopyOnWriteArrayList<>();
            Subscription bad = memory.subscribe("ns", "bad", e -> {
                throw new IllegalStateException("boom");
            });
            Subscription ok = memory.subscribe("ns", "ok", good::add);
            for (int i = 0; i < 100; i++) {
                assertTrue(memory.write("ns", "k" + i, i, "w").isWritten());
            }
            assertTrue(ok.awaitDelivery(WAIT));
            assertTrue(bad.awaitDelivery(WAIT));
            assertTrue(bad.isActive());
            assertEquals(100, good.size());
        }

        @Test
        void awaitDeliveryFromOwnCallbackIsRefused() throws InterruptedException {
            open("ns");
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            Subscription[] self = new Subscription[1];
            self[0] = memory.subscribe("ns", "a", e -> {
                try {
                    self[0].awaitDelivery(Duration.ofSeconds(1));
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            memory.write("ns", "k", 1, "w");
            assertTrue(self[0].awaitDelivery(WAIT));
            assertEquals(1, errors.size());
            assertTrue(errors.get(0) instanceof IllegalStateException);
        }

        @Test
        void laggingSubscriberIsCutOffAndToldWhenItReturns() throws InterruptedException {
            try (SharedMemory small = SharedMemory.create(TestStores.options().listenerQueueCapacity(16)
                    .build())) {
                small.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
                java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
                List<ChangeEvent> stuckSaw = new CopyOnWriteArrayList<>();
                Subscription stuck = small.subscribe("ns", "stuck", e -> {
                    stuckSaw.add(e);
                    try {
                        release.await();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                });
                List<ChangeEvent> fine = new CopyOnWriteArrayList<>();
                Subscription ok = small.subscribe("ns", "ok", fine::add);
                for (int i = 0; i < 100; i++) {
                    assertTrue(small.write("ns", "k" + i, i, "w").isWritten());
                    if (i % 8 == 0) {
                        assertTrue(ok.awaitDelivery(WAIT));
                    }
                }
                assertFalse(stuck.isActive(), "cut off while still stuck in its callback");
                assertTrue(ok.isActive());
                release.countDown();
                org.awaitility.Awaitility.await().atMost(WAIT).until(
                        () -> !stuckSaw.isEmpty() && stuckSaw.get(stuckSaw.size() - 1).action() == ChangeAction.OVERFLOW);
                ChangeEvent notice = stuckSaw.get(stuckSaw.size() - 1);
                assertTrue(((Number) notice.value()).longValue() >= 16, notice.toString());
                assertTrue(stuckSaw.size() <= 2, "at most the event it was stuck on, then the notice: " + stuckSaw);
                assertTrue(ok.awaitDelivery(WAIT));
                assertEquals(100, fine.size());
                assertEquals(1, small.getStats().subscriptions());
            }
        }

        @Test
        void laggingListenerIsRemovedAndTold() throws InterruptedException {
            try (SharedMemory small = SharedMemory.create(TestStores.options().listenerQueueCapacity(16)
                    .build())) {
                small.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
                java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
                List<MemoryEvent> saw = new CopyOnWriteArrayList<>();
                Registration r = small.on(EventType.MEMORY_WRITE, e -> {
                    saw.add(e);
                    try {
                        release.await();
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                });
                for (int i = 0; i < 100; i++) {
                    small.write("ns", "k" + i, i, "w");
                }
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !r.isActive());
                release.countDown();
                org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !saw.isEmpty()
                        && MemoryEvent.LISTENER_OVERFLOW.equals(saw.get(saw.size() - 1).reason()));
                assertTrue(saw.size() <= 2, "at most the event it was stuck on, then the notice: " + saw);
            }
        }

        @Test
        void deletingNamespaceEndsItsSubscriptions() {
            memory.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.ADMIN).build());
            Subscription s = memory.subscribe("ns", "a", e -> { });
            assertTrue(memory.deleteNamespace("ns", "a"));
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !s.isActive());
        }
    }

    @Nested
    class AccessLogging {
        @Test
        void filtersAndLimitKeepNewest() {
            open("team-chat");
            open("other");
            for (int i = 0; i < 5; i++) {
                memory.write("team-chat", "k" + i, i, "agent-1");
                memory.read("team-chat", "k" + i, "agent-2");
                memory.write("other", "k" + i, i, "agent-1");
            }
            List<AccessLogEntry> agent1 = memory.getAccessLog(AccessLogQuery.builder().agentId("agent-1").limit(3).build());
            assertEquals(3, agent1.size());
            assertEquals("k4", agent1.get(2).key());
            assertEquals("other", agent1.get(2).namespace());
            List<AccessLogEntry> writes = memory.getAccessLog(AccessLogQuery.builder().namespace("team-chat")
                    .action(AccessAction.WRITE).build());
            assertEquals(5, writes.size());
            assertEquals(List.of("k0", "k1", "k2", "k3", "k4"), writes.stream().map(AccessLogEntry::key).toList());
            assertTrue(writes.stream().allMatch(AccessLogEntry::success));
        }

        @Test
        void theLogHoldsTheAgentsOperations_inOrder_notTheNamespacesCreation() {
            open("team-chat");
            memory.write("team-chat", "k", 1, "agent-1");
            memory.read("team-chat", "k", "agent-2");
            memory.read("team-chat", "missing", "agent-2");
            memory.createNamespace("team-chat", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            List<AccessLogEntry> all = memory.getAccessLog();
            assertEquals(List.of(AccessAction.WRITE, AccessAction.READ, AccessAction.READ),
                    all.stream().map(AccessLogEntry::action).toList());
            assertEquals(List.of(true, true, false), all.stream().map(AccessLogEntry::success).toList());
            assertEquals("Key not found", all.get(2).error());
            assertEquals(3, memory.getStats().totalAccessLogs());
        }

        @Test
        void logIsBoundedByMaxLogSize() {
            try (SharedMemory small = SharedMemory.create(TestStores.options().maxLogSize(10).build())) {
                small.createNamespace("ns", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
                for (int i = 0; i < 50; i++) {
                    small.write("ns", "k" + i, i, "a");
                }
                List<AccessLogEntry> log = small.getAccessLog();
                assertEquals(10, log.size());
                assertEquals("k49", log.get(9).key());
                assertEquals(10, small.getStats().totalAccessLogs());
            }
        }

        @Test
        void failedReadsCarryTheSpecTexts() {
            memory.createNamespace("ttl", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .ttl(Duration.ofSeconds(1)).build());
            memory.read("ttl", "missing", "a");
            memory.write("ttl", "k", 1, "a");
            clock.advance(Duration.ofSeconds(2));
            memory.read("ttl", "k", "a");
            List<String> errors = memory.getAccessLog(AccessLogQuery.builder().success(false).build()).stream()
                    .map(AccessLogEntry::error).toList();
            assertEquals(List.of("Key not found", "Entry expired"), errors);
        }
    }

    @Nested
    class Expiry {
        @Test
        void visibleUntilDeadlineThenGoneAndCleanedUp() throws InterruptedException {
            memory.createNamespace("session", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .ttl(Duration.ofMinutes(5)).build());
            List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
            List<MemoryEvent> cleanups = new CopyOnWriteArrayList<>();
            Subscription s = memory.subscribe("session", "watcher", seen::add);
            Registration r = memory.on(EventType.MEMORY_CLEANUP, cleanups::add);
            memory.write("session", "token", "abc123", "agent-1");
            clock.advance(Duration.ofMinutes(5).minusMillis(1));
            assertEquals("abc123", memory.read("session", "token", "agent-1"));
            assertEquals(0, memory.cleanupExpired());
            clock.advance(Duration.ofMillis(1));
            assertNull(memory.read("session", "token", "agent-1"));
            assertTrue(memory.readEntry("session", "token", "agent-1").isEmpty());
            assertEquals(List.of(), memory.getKeys("session", "agent-1"));
            assertEquals(Map.of(), memory.getAll("session", "agent-1"));
            assertEquals(0, memory.getStats().totalEntries());
            assertEquals(1, memory.cleanupExpired());
            assertEquals(0, memory.cleanupExpired());
            assertTrue(s.awaitDelivery(WAIT));
            assertTrue(r.awaitDelivery(WAIT));
            assertEquals(List.of(ChangeAction.WRITE, ChangeAction.EXPIRE), seen.stream().map(ChangeEvent::action).toList());
            assertEquals("token", seen.get(1).key());
            assertEquals(1, cleanups.size());
            assertEquals(List.of("token"), cleanups.get(0).value());
            assertEquals(1, memory.getAccessLog(AccessLogQuery.builder().action(AccessAction.EXPIRE).build()).size());
        }

        @Test
        void rewriteRefreshesDeadline() {
            memory.createNamespace("s", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .ttl(Duration.ofSeconds(10)).build());
            memory.write("s", "k", 1, "a");
            clock.advance(Duration.ofSeconds(9));
            memory.write("s", "k", 2, "a");
            clock.advance(Duration.ofSeconds(9));
            assertEquals(2, (int) memory.read("s", "k", "a"));
            assertEquals(clock.instant().plusSeconds(1),
                    memory.readEntry("s", "k", "a").orElseThrow().expiresAt().orElseThrow());
        }

        @Test
        void periodicCleanupRunsOnItsOwn() {
            try (SharedMemory m = SharedMemory.create(TestStores.options()
                    .cleanupInterval(Duration.ofMillis(20)).build())) {
                m.createNamespace("s", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                        .ttl(Duration.ofMillis(30)).build());
                m.write("s", "k", 1, "a");
                org.awaitility.Awaitility.await().atMost(WAIT).until(() ->
                        !m.getAccessLog(AccessLogQuery.builder().action(AccessAction.EXPIRE).build()).isEmpty());
            }
        }
    }

    @Nested
    class StatsAndLifecycle {
        @Test
        void stats() {
            open("a");
            memory.createNamespace("b", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .permission("boss", Permission.ADMIN).build());
            memory.write("a", "k1", 1, "x");
            memory.write("a", "k2", 1, "x");
            memory.write("b", "k1", 1, "x");
            Subscription s = memory.subscribe("b", "x", e -> { });
            MemoryStats stats = memory.getStats();
            assertEquals(2, stats.namespaces());
            assertEquals(3, stats.totalEntries());
            assertEquals(1, stats.subscriptions());
            assertEquals(memory.getAccessLog().size(), stats.totalAccessLogs());
            assertEquals("b", stats.namespaceDetails().get(1).name());
            assertEquals(1, stats.namespaceDetails().get(1).entries());
            assertEquals(Map.of("boss", Permission.ADMIN), stats.namespaceDetails().get(1).permissions());
            s.unsubscribe();
        }

        @Test
        void destroyEndsEverything() {
            open("ns");
            memory.write("ns", "k", 1, "a");
            Subscription s = memory.subscribe("ns", "a", e -> { });
            Registration r = memory.on(EventType.MEMORY_WRITE, e -> { });
            memory.destroy();
            memory.destroy();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !s.isActive() && !r.isActive());
            assertNull(memory.read("ns", "k", "a"));
            assertEquals(Status.NO_NAMESPACE, memory.write("ns", "k", 1, "a").status());
            assertThrows(IllegalStateException.class, () -> memory.createNamespace("x"));
            assertThrows(IllegalStateException.class, () -> memory.on(EventType.MEMORY_READ, e -> { }));
            assertEquals(0, memory.getStats().namespaces());
        }
    }

    @Test
    void createFindsEngineAndPlugins() {
        assertNotNull(memory);
        memory.createNamespace("n", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).build());
        for (String s : List.of("latest-wins", "first-wins", "merge", "version", "custom")) {
            open("ns-" + s, s);
            assertTrue(memory.write("ns-" + s, "k", 1, "a").isWritten(), s);
            assertTrue(memory.write("ns-" + s, "k", 2, "a").status() != Status.STRATEGY_UNAVAILABLE, s);
        }
    }
}
