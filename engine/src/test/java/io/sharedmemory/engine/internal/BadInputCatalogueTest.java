package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.conformance.TestStores;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input against every operation that takes it: each gets its documented outcome ({@code INVALID},
 * {@code false}, {@code null}, empty or the documented exception), the state is exactly as before (entries, versions,
 * namespaces, configuration, subscriptions), and the access log holds one failure entry for the attempt, with a text
 * that says what was wrong.
 */
class BadInputCatalogueTest {
    static final String NS = "good";
    static final String ADMIN = "root";
    static final int MAX_VALUE_BYTES = 4096;

    private TestPlugins.ListLog log;
    private SharedMemory memory;

    @BeforeEach
    void setUp() {
        log = new TestPlugins.ListLog();
        memory = SharedMemory.create(ProofPlugins.options(Clock.systemUTC()).plugin(log)
                .maxValueBytes(MAX_VALUE_BYTES).build());
        memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .permission(ADMIN, Permission.ADMIN).build());
        memory.write(NS, "k", Map.of("n", 1), "a");
        memory.write(NS, "k", Map.of("n", 2), "a");
        memory.write(NS, "other", List.of(1, 2, 3), "a");
    }

    @AfterEach
    void tearDown() {
        memory.destroy();
    }

    // ------------------------------------------------------------------ the inputs

    /** Strings that are no valid namespace name, key or agent id, whatever the length limit. */
    static Stream<Arguments> badStrings() {
        return Stream.of(
                Arguments.of("null", null),
                Arguments.of("empty", ""),
                Arguments.of("space", " "),
                Arguments.of("no-break and em spaces", "\u00A0\u2003"),
                Arguments.of("NUL", "a\u0000b"),
                Arguments.of("newline", "line\nbreak"),
                Arguments.of("tab", "\t"),
                Arguments.of("DEL", "a\u007F"),
                Arguments.of("C1 NEL", "\u0085x"),
                Arguments.of("lone high surrogate", "\uD83D"),
                Arguments.of("lone low surrogate", "x\uDE00y"),
                Arguments.of("reversed pair", "\uDE00\uD83D"));
    }

    static Stream<Arguments> badNames() {
        return Stream.concat(badStrings(), Stream.of(
                Arguments.of("over the limit", "n".repeat(SharedMemory.MAX_NAME_LENGTH + 1))));
    }

    static Stream<Arguments> badKeys() {
        return Stream.concat(badStrings(), Stream.of(
                Arguments.of("over the limit", "k".repeat(SharedMemory.MAX_KEY_LENGTH + 1))));
    }

    static Stream<Arguments> badValues() {
        Map<String, Object> cyclicMap = new HashMap<>();
        cyclicMap.put("self", cyclicMap);
        List<Object> cyclicList = new ArrayList<>();
        cyclicList.add(List.of(1));
        cyclicList.add(cyclicList);
        Object deep = "leaf";
        for (int i = 0; i < SharedMemory.MAX_DEPTH + 1; i++) {
            deep = List.of(deep);
        }
        Map<Object, Object> intKeys = new HashMap<>();
        intKeys.put(1, "one");
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, "x");
        return Stream.of(
                Arguments.of("null", null),
                Arguments.of("plain object", new Object()),
                Arguments.of("date", new Date(0)),
                Arguments.of("optional", Optional.of(1)),
                Arguments.of("char array", new char[] {'a'}),
                Arguments.of("character", 'c'),
                Arguments.of("BigInteger subclass", new BigInteger("1") { }),
                Arguments.of("cyclic map", cyclicMap),
                Arguments.of("cyclic list", cyclicList),
                Arguments.of("too deep", deep),
                Arguments.of("non-string map key", intKeys),
                Arguments.of("null map key", nullKey),
                Arguments.of("NaN", Double.NaN),
                Arguments.of("float NaN", Float.NaN),
                Arguments.of("infinity", Double.POSITIVE_INFINITY),
                Arguments.of("NaN inside", Map.of("x", List.of(1, Double.NEGATIVE_INFINITY))),
                Arguments.of("over maxValueBytes", "x".repeat(MAX_VALUE_BYTES)),
                Arguments.of("over maxValueBytes in parts", java.util.Collections.nCopies(MAX_VALUE_BYTES / 4,
                        "abcd")));
    }

    // ------------------------------------------------------------------ the state that must not change

    private record State(Map<String, Object> entries, Map<String, Long> versions, List<String> namespaces,
                         Optional<NamespaceConfig> config, int namespaceCount, long totalEntries, int subscriptions,
                         List<MemoryStats.NamespaceStats> details) {
    }

    private State state() {
        Map<String, Long> versions = new HashMap<>();
        for (String k : List.of("k", "other")) {
            versions.put(k, memory.readEntry(NS, k, ADMIN).map(e -> e.version()).orElse(0L));
        }
        MemoryStats s = memory.getStats();
        return new State(memory.getAll(NS, ADMIN), versions, memory.getNamespaces(), memory.getNamespaceConfig(NS),
                s.namespaces(), s.totalEntries(), s.subscriptions(), s.namespaceDetails());
    }

    /**
     * Runs the operation, checks its outcome with {@code outcome}, checks the state is unchanged and that it left
     * exactly one failure record of {@code action} whose text begins with {@code errorPrefix}.
     */
    private void refusedCleanly(AccessAction action, String errorPrefix, Function<SharedMemory, Object> op,
                                java.util.function.Consumer<Object> outcome) {
        State before = state();
        int logged = log.entries.size();
        Object result;
        try {
            result = op.apply(memory);
        } catch (RuntimeException e) {
            result = e;
        }
        outcome.accept(result);
        List<AccessLogEntry> added;
        synchronized (log) {
            added = new ArrayList<>(log.entries.subList(logged, log.entries.size()));
        }
        assertEquals(1, added.size(), () -> "expected one access-log record, got " + added);
        AccessLogEntry e = added.get(0);
        assertFalse(e.success(), e::toString);
        assertEquals(action, e.action(), e::toString);
        assertTrue(e.error() != null && e.error().startsWith(errorPrefix), () -> "error text: " + e.error());
        assertEquals(before, state(), "a refused operation changed the state");
    }

    private static java.util.function.Consumer<Object> is(Object expected) {
        return r -> assertEquals(expected, r);
    }

    private static java.util.function.Consumer<Object> status(Status expected) {
        return r -> assertEquals(expected, ((WriteResult) r).status(), String.valueOf(r));
    }

    private static java.util.function.Consumer<Object> threw(Class<? extends Throwable> type) {
        return r -> assertTrue(type.isInstance(r), () -> "expected " + type.getSimpleName() + ", got " + r);
    }

    // ------------------------------------------------------------------ the catalogue

    @ParameterizedTest(name = "namespace {0}")
    @MethodSource("badNames")
    void badNamespaceNames(String label, String name) {
        String inv = "Invalid namespace name";
        refusedCleanly(AccessAction.WRITE, inv, m -> m.write(name, "k", 1, "a"), status(Status.INVALID));
        refusedCleanly(AccessAction.READ, inv, m -> m.read(name, "k", "a"), is(null));
        refusedCleanly(AccessAction.READ, inv, m -> m.readEntry(name, "k", "a"), is(Optional.empty()));
        refusedCleanly(AccessAction.DELETE, inv, m -> m.delete(name, "k", "a"), is(false));
        refusedCleanly(AccessAction.READ, inv, m -> m.getKeys(name, "a"), is(null));
        refusedCleanly(AccessAction.READ, inv, m -> m.getAll(name, "a"), is(null));
        refusedCleanly(AccessAction.SUBSCRIBE, inv, m -> m.subscribe(name, "a", e -> { }),
                threw(InvalidInputException.class));
        refusedCleanly(AccessAction.BROADCAST, inv, m -> {
            m.broadcast(name, "hi", "a");
            return "returned";
        }, threw(InvalidInputException.class));
        refusedCleanly(AccessAction.CLEAR, inv, m -> m.clearNamespace(name, ADMIN), is(false));
        refusedCleanly(AccessAction.DELETE_NAMESPACE, inv, m -> m.deleteNamespace(name, ADMIN), is(false));
        refusedCleanly(AccessAction.UPDATE_PERMISSIONS, inv,
                m -> m.updatePermissions(name, Map.of("b", Permission.READ), ADMIN), is(false));
        refusedCleanly(AccessAction.CREATE_NAMESPACE, inv, m -> {
            m.createNamespace(name);
            return "returned";
        }, threw(InvalidInputException.class));
    }

    @ParameterizedTest(name = "key {0}")
    @MethodSource("badKeys")
    void badKeys(String label, String key) {
        String inv = "Invalid key";
        refusedCleanly(AccessAction.WRITE, inv, m -> m.write(NS, key, 1, "a"), status(Status.INVALID));
        refusedCleanly(AccessAction.WRITE, inv, m -> m.write(NS, key, 1, "a",
                WriteOptions.builder().expectedVersion(0).build()), status(Status.INVALID));
        refusedCleanly(AccessAction.READ, inv, m -> m.read(NS, key, "a"), is(null));
        refusedCleanly(AccessAction.READ, inv, m -> m.readEntry(NS, key, "a"), is(Optional.empty()));
        refusedCleanly(AccessAction.DELETE, inv, m -> m.delete(NS, key, "a"), is(false));
    }

    @ParameterizedTest(name = "agent {0}")
    @MethodSource("badNames")
    void badAgentIds(String label, String agent) {
        String inv = "Invalid agent id";
        refusedCleanly(AccessAction.WRITE, inv, m -> m.write(NS, "k", 1, agent), status(Status.INVALID));
        refusedCleanly(AccessAction.READ, inv, m -> m.read(NS, "k", agent), is(null));
        refusedCleanly(AccessAction.READ, inv, m -> m.readEntry(NS, "k", agent), is(Optional.empty()));
        refusedCleanly(AccessAction.DELETE, inv, m -> m.delete(NS, "k", agent), is(false));
        refusedCleanly(AccessAction.READ, inv, m -> m.getKeys(NS, agent), is(null));
        refusedCleanly(AccessAction.READ, inv, m -> m.getAll(NS, agent), is(null));
        refusedCleanly(AccessAction.SUBSCRIBE, inv, m -> m.subscribe(NS, agent, e -> { }),
                threw(InvalidInputException.class));
        refusedCleanly(AccessAction.BROADCAST, inv, m -> {
            m.broadcast(NS, "hi", agent);
            return "returned";
        }, threw(InvalidInputException.class));
        refusedCleanly(AccessAction.CLEAR, inv, m -> m.clearNamespace(NS, agent), is(false));
        refusedCleanly(AccessAction.DELETE_NAMESPACE, inv, m -> m.deleteNamespace(NS, agent), is(false));
        refusedCleanly(AccessAction.UPDATE_PERMISSIONS, inv,
                m -> m.updatePermissions(NS, Map.of("b", Permission.READ), agent), is(false));
        Map<String, Permission> grant = new HashMap<>();
        grant.put(agent, Permission.ADMIN);
        refusedCleanly(AccessAction.UPDATE_PERMISSIONS, "Invalid permissions: Invalid agent id",
                m -> m.updatePermissions(NS, grant, ADMIN), is(false));
    }

    @ParameterizedTest(name = "value {0}")
    @MethodSource("badValues")
    void badValues(String label, Object value) {
        refusedCleanly(AccessAction.WRITE, "Invalid value", m -> m.write(NS, "k", value, "a"), status(Status.INVALID));
        refusedCleanly(AccessAction.WRITE, "Invalid value", m -> m.write(NS, "fresh", value, "a"),
                status(Status.INVALID));
        refusedCleanly(AccessAction.BROADCAST, "Invalid value", m -> {
            m.broadcast(NS, value, "a");
            return "returned";
        }, threw(InvalidInputException.class));
        if (value != null) {
            Map<String, Object> metadata = new HashMap<>();
            metadata.put("m", value);
            refusedCleanly(AccessAction.WRITE, "Invalid value", m -> m.write(NS, "k", 1, "a",
                    WriteOptions.builder().metadata(metadata).build()), status(Status.INVALID));
        }
    }

    @Test
    void unknownNamespace() {
        String missing = "Namespace \"nowhere\" does not exist";
        refusedCleanly(AccessAction.WRITE, missing, m -> m.write("nowhere", "k", 1, "a"),
                status(Status.NO_NAMESPACE));
        refusedCleanly(AccessAction.READ, missing, m -> m.read("nowhere", "k", "a"), is(null));
        refusedCleanly(AccessAction.DELETE, missing, m -> m.delete("nowhere", "k", "a"), is(false));
        refusedCleanly(AccessAction.READ, missing, m -> m.getAll("nowhere", "a"), is(null));
        refusedCleanly(AccessAction.SUBSCRIBE, missing, m -> m.subscribe("nowhere", "a", e -> { }),
                threw(NamespaceNotFoundException.class));
        refusedCleanly(AccessAction.BROADCAST, missing, m -> {
            m.broadcast("nowhere", "hi", "a");
            return "returned";
        }, threw(NamespaceNotFoundException.class));
        refusedCleanly(AccessAction.CLEAR, missing, m -> m.clearNamespace("nowhere", ADMIN), is(false));
        refusedCleanly(AccessAction.DELETE_NAMESPACE, missing, m -> m.deleteNamespace("nowhere", ADMIN), is(false));
        refusedCleanly(AccessAction.UPDATE_PERMISSIONS, missing,
                m -> m.updatePermissions("nowhere", Map.of("b", Permission.READ), ADMIN), is(false));
    }

    @Test
    void unknownStrategyRefusesEveryWriteAndStoresNothing() {
        memory.createNamespace("odd", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy("no-such-strategy").build());
        String text = "Conflict strategy \"no-such-strategy\" is not available";
        refusedCleanly(AccessAction.WRITE, text, m -> m.write("odd", "k", 1, "a"),
                status(Status.STRATEGY_UNAVAILABLE));
        assertEquals(Map.of(), memory.getAll("odd", "a"));
    }

    @Test
    void unknownPermissionNamesAreRefusedWithTheAcceptedOnes() {
        for (String bad : new String[] {null, "", " ", "superuser", "rw", "READ WRITE", "adm1n"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Permission.parse(bad));
            assertTrue(e.getMessage().contains("expected one of none, read, write, admin"), e.getMessage());
        }
        assertEquals(Permission.ADMIN, Permission.parse(" Admin "));
        assertEquals(Permission.NONE, Permission.parse("null"));
    }

    @Test
    void nullPermissionMapAndNullPermissionAreRefused() {
        refusedCleanly(AccessAction.UPDATE_PERMISSIONS, "Invalid permissions: null",
                m -> m.updatePermissions(NS, null, ADMIN), is(false));
        Map<String, Permission> nullValue = new HashMap<>();
        nullValue.put("b", null);
        refusedCleanly(AccessAction.UPDATE_PERMISSIONS, "Invalid permissions: null permission",
                m -> m.updatePermissions(NS, nullValue, ADMIN), is(false));
    }

    @Test
    void badOptionsAreRefusedByTheirBuilders() {
        assertThrows(IllegalArgumentException.class, () -> WriteOptions.builder().expectedVersion(-1));
        assertThrows(IllegalArgumentException.class, () -> TestStores.options().maxValueBytes(63));
        assertThrows(IllegalArgumentException.class, () -> TestStores.options().listenerQueueCapacity(15));
        assertThrows(IllegalArgumentException.class, () -> TestStores.options().plugin("not a plugin"));
        assertThrows(IllegalArgumentException.class, () -> NamespaceConfig.builder().maxEntries(-1));
        assertThrows(IllegalArgumentException.class, () -> NamespaceConfig.builder().conflictStrategy(" "));
    }
}
