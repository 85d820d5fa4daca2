package io.sharedmemory.audit.internal;

import static io.sharedmemory.audit.internal.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InMemoryAccessLog_RingTest {
    private static List<String> keys(List<AccessLogEntry> entries) {
        return entries.stream().map(AccessLogEntry::key).collect(Collectors.toList());
    }

    private static List<String> range(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).mapToObj(Integer::toString).collect(Collectors.toList());
    }

    private static void record(InMemoryAccessLog log, int from, int to) {
        for (int i = from; i < to; i++) {
            log.record(entry("a", i));
        }
    }

    /** A slot packs the time with the action and success: every action, both outcomes, any era come back whole. */
    @Test
    void everyField_comesBackAsRecorded_timesBefore1970AndFarAheadIncluded() {
        long[] times = {0, 1, -1, 1_764_000_000_123L, -62_135_596_800_000L, (1L << 57) - 1, -(1L << 57)};
        List<AccessLogEntry> recorded = new java.util.ArrayList<>();
        for (AccessAction action : AccessAction.values()) {
            for (long t : times) {
                boolean ok = (t & 1) == 0;
                recorded.add(new AccessLogEntry(t, "agent-" + action, action, "ns", "k" + t, ok, ok ? null : "no"));
            }
        }
        InMemoryAccessLog log = new InMemoryAccessLog(recorded.size());
        recorded.forEach(log::record);
        assertEquals(recorded, log.query(AccessLogQuery.all()));
    }

    @Test
    void newLog_isEmptyWithTheDefaultCapacity() {
        InMemoryAccessLog log = new InMemoryAccessLog();
        assertEquals(1000, log.capacity());
        assertEquals(0, log.size());
        assertEquals(List.of(), log.query(AccessLogQuery.all()));
    }

    @Test
    void record_belowCapacity_keepsEverythingOldestFirst() {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        record(log, 0, 7);
        assertEquals(7, log.size());
        assertEquals(range(0, 7), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void record_beyondCapacity_keepsTheNewest() {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        record(log, 0, 25);
        assertEquals(10, log.size());
        assertEquals(range(15, 25), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void record_defaultCapacity_keepsTheNewestThousand() {
        InMemoryAccessLog log = new InMemoryAccessLog();
        record(log, 0, 2500);
        assertEquals(1000, log.size());
        assertEquals(range(1500, 2500), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void capacityOne_keepsOnlyTheLast() {
        InMemoryAccessLog log = new InMemoryAccessLog(1);
        record(log, 0, 5);
        assertEquals(range(4, 5), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void capacity_shrink_keepsTheNewestEntries() {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        record(log, 0, 8);
        log.capacity(3);
        assertEquals(3, log.capacity());
        assertEquals(3, log.size());
        assertEquals(range(5, 8), keys(log.query(AccessLogQuery.all())));
        record(log, 8, 10);
        assertEquals(range(7, 10), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void capacity_grow_keepsEverythingAndMakesRoom() {
        InMemoryAccessLog log = new InMemoryAccessLog(5);
        record(log, 0, 12);
        log.capacity(20);
        assertEquals(range(7, 12), keys(log.query(AccessLogQuery.all())));
        record(log, 12, 30);
        assertEquals(20, log.size());
        assertEquals(range(10, 30), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void capacity_sameValue_changesNothing() {
        InMemoryAccessLog log = new InMemoryAccessLog(5);
        record(log, 0, 7);
        log.capacity(5);
        assertEquals(range(2, 7), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void capacity_shrinkThenGrow_doesNotResurrectDroppedEntries() {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        record(log, 0, 10);
        log.capacity(2);
        log.capacity(10);
        assertEquals(range(8, 10), keys(log.query(AccessLogQuery.all())));
        assertEquals(2, log.size());
    }

    @Test
    void capacity_belowOne_isRefused() {
        InMemoryAccessLog log = new InMemoryAccessLog();
        assertThrows(IllegalArgumentException.class, () -> log.capacity(0));
        assertThrows(IllegalArgumentException.class, () -> log.capacity(-5));
        assertThrows(IllegalArgumentException.class, () -> new InMemoryAccessLog(0));
        assertEquals(1000, log.capacity());
    }

    @Test
    void capacity_aboveTheMaximum_isRefusedClearly_andTheLogKeepsWorking() {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        record(log, 0, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> log.capacity(Integer.MAX_VALUE));
        assertEquals("capacity must be between 1 and 1073741824, was 2147483647", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new InMemoryAccessLog(InMemoryAccessLog.MAX_CAPACITY + 1));
        assertEquals(10, log.capacity());
        record(log, 3, 5);
        assertEquals(range(0, 5), keys(log.query(AccessLogQuery.all())));
    }

    @Test
    void record_null_isRefused() {
        InMemoryAccessLog log = new InMemoryAccessLog();
        assertThrows(NullPointerException.class, () -> log.record(null));
        assertEquals(0, log.size());
    }

    /**
     * The engine passes an entry's fields, not an entry: both ways, into a ring of the thread's own (ownedRings 1)
     * and into a shared one (0), an entry reads back the same, in order.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void record_fieldsOrEntry_readBackAlike(int ownedRings) {
        InMemoryAccessLog log = new InMemoryAccessLog(100, 2, ownedRings);
        List<AccessLogEntry> recorded = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            boolean ok = i % 3 != 0;
            AccessLogEntry e = new AccessLogEntry(Entries.T0 + i, i % 2 == 0 ? "a" : null,
                    AccessAction.values()[i % AccessAction.values().length], i % 5 == 0 ? null : "ns",
                    i % 7 == 0 ? null : "k" + i, ok, ok ? null : "Insufficient permissions");
            recorded.add(e);
            if (i % 2 == 0) {
                log.record(e, i);
            } else {
                log.record(i, e.timestampMillis(), e.agentId(), e.action(), e.namespace(), e.key(), e.success(),
                        e.error());
            }
        }
        assertEquals(recorded, log.query(AccessLogQuery.all()));
    }

    @Test
    void record_fieldsWithoutAnAction_isRefusedAsTheEntrysConstructorWould_andKeepsTheLog() {
        InMemoryAccessLog log = new InMemoryAccessLog(10);
        record(log, 0, 3);
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> log.record(7, Entries.T0, "a", null, "ns", "k", true, null));
        assertEquals("action", e.getMessage());
        assertEquals(range(0, 3), keys(log.query(AccessLogQuery.all())));
    }
}
