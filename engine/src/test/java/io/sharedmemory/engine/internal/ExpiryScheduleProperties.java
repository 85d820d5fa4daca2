package io.sharedmemory.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.engine.internal.History.Recorder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random schedules of write, refresh (a write of a live key), read, delete, clock advance and sweep, run against the
 * engine and against a model of what expiry promises: visible strictly before the deadline, gone from it on, version
 * 1 again after expiry, and over the whole schedule exactly one expiry report (change event and access-log record)
 * per entry that died.
 */
class ExpiryScheduleProperties {
    static final long TTL = 100;
    static final long START = 1_767_225_600_000L;
    static final String NS = "ttl";

    sealed interface Step permits Write, Read, Delete, Advance, Sweep {
    }

    record Write(int key) implements Step {
    }

    record Read(int key) implements Step {
    }

    record Delete(int key) implements Step {
    }

    record Advance(long millis) implements Step {
    }

    record Sweep() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> schedules() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, 3);
        Arbitrary<Long> gaps = Arbitraries.oneOf(Arbitraries.of(1L, TTL - 1, TTL, TTL + 1),
                Arbitraries.longs().between(0, 2 * TTL));
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, keys.map(Write::new)),
                net.jqwik.api.Tuple.of(3, keys.map(Read::new)),
                net.jqwik.api.Tuple.of(1, keys.map(Delete::new)),
                net.jqwik.api.Tuple.of(3, gaps.map(Advance::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Sweep())));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }

    /** The model's entry. */
    private record Cell(long deadline, long version, int value) {
    }

    @Property(tries = 200)
    void engineAgreesWithTheExpiryModel(@ForAll("schedules") List<Step> schedule) throws Exception {
        MutableClock clock = new MutableClock(START);
        TestPlugins.ListLog log = new TestPlugins.ListLog();
        try (SharedMemory memory = SharedMemory.create(ProofPlugins.options(clock).plugin(log).build())) {
            memory.createNamespace(NS, NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .ttl(Duration.ofMillis(TTL)).build());
            Map<String, Cell> model = new HashMap<>();
            Map<String, Long> deaths = new TreeMap<>();
            int written = 0;
            try (Recorder sub = new Recorder(memory, NS, "watcher")) {
                for (Step s : schedule) {
                    long now = clock.millis();
                    if (s instanceof Write w) {
                        String k = "k" + w.key();
                        Cell cur = model.get(k);
                        boolean live = cur != null && now < cur.deadline;
                        if (cur != null && !live) {
                            deaths.merge(k, 1L, Long::sum);
                        }
                        long version = live ? cur.version + 1 : 1;
                        int value = ++written;
                        assertEquals(version, memory.write(NS, k, value, "a").version(), () -> s + " at " + now);
                        model.put(k, new Cell(now + TTL, version, value));
                    } else if (s instanceof Read r) {
                        String k = "k" + r.key();
                        Cell cur = model.get(k);
                        Object expected = cur != null && now < cur.deadline ? cur.value : null;
                        assertEquals(expected, memory.read(NS, k, "a"), () -> s + " at " + now);
                    } else if (s instanceof Delete d) {
                        String k = "k" + d.key();
                        Cell cur = model.get(k);
                        boolean live = cur != null && now < cur.deadline;
                        assertEquals(live, memory.delete(NS, k, "a"), () -> s + " at " + now);
                        if (live) {
                            model.remove(k);
                        }
                    } else if (s instanceof Advance a) {
                        clock.advanceMillis(a.millis());
                    } else {
                        assertEquals(sweepModel(model, deaths, now), memory.cleanupExpired(), () -> s + " at " + now);
                    }
                }
                clock.advanceMillis(TTL);
                assertEquals(sweepModel(model, deaths, clock.millis()), memory.cleanupExpired());
                Map<String, Long> events = sub.await().stream().filter(e -> e.action() == ChangeAction.EXPIRE)
                        .collect(Collectors.groupingBy(ChangeEvent::key, TreeMap::new, Collectors.counting()));
                assertEquals(deaths, events, "EXPIRE change events per key");
            }
            Map<String, Long> records = log.query(AccessLogQuery.builder().action(AccessAction.EXPIRE).build())
                    .stream().collect(Collectors.groupingBy(AccessLogEntry::key, TreeMap::new,
                            Collectors.counting()));
            assertEquals(deaths, records, "EXPIRE access-log records per key");
        }
    }

    private static int sweepModel(Map<String, Cell> model, Map<String, Long> deaths, long now) {
        int n = 0;
        for (var it = model.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (now >= e.getValue().deadline) {
                deaths.merge(e.getKey(), 1L, Long::sum);
                it.remove();
                n++;
            }
        }
        return n;
    }
}
