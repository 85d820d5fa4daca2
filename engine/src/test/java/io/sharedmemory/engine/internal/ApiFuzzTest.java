package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzzes the public API with sequences of operations whose names, keys, agents, values and options come from the
 * fuzzer. Whatever the input: no operation throws anything but its documented exceptions, every operation leaves
 * exactly one access-log record, a write that says WRITTEN is read back equal with the version it reported, and a
 * refused write leaves the key as it was. The saved inputs under {@code ApiFuzzTestInputs/operations} replay in
 * {@code verify}; {@code JAZZER_FUZZ=1} fuzzes (see the README).
 */
@org.junit.jupiter.api.Tag("fuzz")
class ApiFuzzTest {
    private static final String[] NAMES = {"alpha", "beta", "merge", "first"};

    @FuzzTest(maxDuration = "5m")
    void operations(FuzzedDataProvider data) {
        TestPlugins.ListLog log = new TestPlugins.ListLog();
        try (SharedMemory memory = SharedMemory.create(ProofPlugins.options(Clock.systemUTC()).plugin(log)
                .maxValueBytes(4096).maxLogSize(100_000).build())) {
            memory.createNamespace("alpha", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
            memory.createNamespace("beta", NamespaceConfig.builder().defaultPermission(Permission.READ)
                    .permission("admin", Permission.ADMIN).maxEntries(3).build());
            memory.createNamespace("merge", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.MERGE).build());
            memory.createNamespace("first", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .conflictStrategy(NamespaceConfig.FIRST_WINS).build());
            int steps = data.consumeInt(1, 24);
            for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
                int before = log.entries.size();
                int expected = step(memory, data);
                assertEquals(before + expected, log.entries.size(), () -> "not exactly one access-log record: "
                        + log.entries.subList(before, log.entries.size()));
            }
        }
    }

    /** @return how many access-log records the step must leave: one per operation it made */
    private static int step(SharedMemory memory, FuzzedDataProvider data) {
        String ns = name(data, 300);
        String key = name(data, 1100);
        String agent = data.consumeBoolean() ? "admin" : name(data, 300);
        try {
            switch (data.consumeInt(0, 9)) {
                case 0, 1 -> {
                    write(memory, data, ns, key, agent);
                    return 3; // the write and the checker's two reads
                }
                case 2 -> memory.read(ns, key, agent);
                case 3 -> memory.readEntry(ns, key, agent);
                case 4 -> memory.delete(ns, key, agent);
                case 5 -> memory.getAll(ns, agent);
                case 6 -> {
                    Subscription s = memory.subscribe(ns, agent, e -> { });
                    s.unsubscribe();
                }
                case 7 -> memory.broadcast(ns, value(data, 3), agent);
                case 8 -> {
                    Map<String, Permission> p = new HashMap<>();
                    p.put(name(data, 300), data.pickValue(Permission.values()));
                    memory.updatePermissions(ns, p, agent);
                }
                default -> memory.clearNamespace(ns, agent);
            }
        } catch (InvalidInputException | NamespaceNotFoundException | AccessDeniedException documented) {
            // subscribe and broadcast refuse by throwing, as documented
        }
        return 1;
    }

    private static void write(SharedMemory memory, FuzzedDataProvider data, String ns, String key, String agent) {
        Object value = value(data, 4); // may be cyclic: compared only once the engine accepted it
        WriteOptions.Builder options = WriteOptions.builder();
        if (data.consumeBoolean()) {
            options.expectedVersion(data.consumeLong(0, 3));
        }
        Optional<MemoryEntry> before = memory.readEntry(ns, key, "admin");
        WriteResult r = memory.write(ns, key, value, agent, options.build());
        Optional<MemoryEntry> after = memory.readEntry(ns, key, "admin");
        if (r.isWritten()) {
            assertTrue(after.isPresent(), "written but not readable");
            assertEquals(r.version(), after.get().version());
            if (!ns.equals("merge")) {
                assertEquals(value, after.get().value());
            }
            assertEquals(before.map(MemoryEntry::version).orElse(0L) + 1, r.version());
        } else {
            assertEquals(before, after, "a refused write changed the entry: " + r);
        }
    }

    private static String name(FuzzedDataProvider data, int max) {
        return data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(max);
    }

    private static Object value(FuzzedDataProvider data, int depth) {
        switch (data.consumeInt(0, depth == 0 ? 6 : 9)) {
            case 0: return data.consumeString(64);
            case 1: return data.consumeInt();
            case 2: return data.consumeLong();
            case 3: return data.consumeDouble();
            case 4: return data.consumeBoolean();
            case 5: return data.consumeBoolean() ? null : new Object();
            case 6: return data.consumeRegularDouble();
            case 7: {
                List<Object> l = new ArrayList<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    l.add(value(data, depth - 1));
                }
                if (data.consumeInt(0, 20) == 0) {
                    l.add(l);
                }
                return l;
            }
            default: {
                Map<String, Object> m = new HashMap<>();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n; i++) {
                    m.put(data.consumeString(8), value(data, depth - 1));
                }
                return m;
            }
        }
    }
}
