package io.sharedmemory.audit.internal;

import static io.sharedmemory.audit.internal.Entries.T0;
import static io.sharedmemory.audit.internal.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryAccessLog_QueryTest {
    private final InMemoryAccessLog log = new InMemoryAccessLog(100);
    private final AccessLogEntry e1 = entry("agent-1", AccessAction.WRITE, "team", true, T0);
    private final AccessLogEntry e2 = entry("agent-2", AccessAction.READ, "team", true, T0 + 1);
    private final AccessLogEntry e3 = entry("agent-1", AccessAction.READ, "private", false, T0 + 2);
    private final AccessLogEntry e4 = entry("agent-1", AccessAction.WRITE, "team", false, T0 + 3);
    private final AccessLogEntry e5 = entry(null, AccessAction.DELETE, null, true, T0 + 4);

    @BeforeEach
    void fill() {
        for (AccessLogEntry e : List.of(e1, e2, e3, e4, e5)) {
            log.record(e);
        }
    }

    @Test
    void query_all_returnsEverythingOldestFirst() {
        assertEquals(List.of(e1, e2, e3, e4, e5), log.query(AccessLogQuery.all()));
    }

    @Test
    void query_byAgent() {
        assertEquals(List.of(e1, e3, e4), log.query(AccessLogQuery.builder().agentId("agent-1").build()));
    }

    @Test
    void query_byNamespace() {
        assertEquals(List.of(e1, e2, e4), log.query(AccessLogQuery.builder().namespace("team").build()));
    }

    @Test
    void query_byAction() {
        assertEquals(List.of(e2, e3), log.query(AccessLogQuery.builder().action(AccessAction.READ).build()));
    }

    @Test
    void query_bySuccess() {
        assertEquals(List.of(e3, e4), log.query(AccessLogQuery.builder().success(false).build()));
    }

    @Test
    void query_since_isInclusive() {
        assertEquals(List.of(e3, e4, e5),
                log.query(AccessLogQuery.builder().since(Instant.ofEpochMilli(T0 + 2)).build()));
    }

    @Test
    void query_combinedCriteria() {
        assertEquals(List.of(e1), log.query(AccessLogQuery.builder().agentId("agent-1").namespace("team")
                .action(AccessAction.WRITE).success(true).build()));
    }

    @Test
    void query_limit_keepsTheNewestMatchesOldestFirst() {
        assertEquals(List.of(e4, e5), log.query(AccessLogQuery.builder().limit(2).build()));
        assertEquals(List.of(e3, e4), log.query(AccessLogQuery.builder().agentId("agent-1").limit(2).build()));
    }

    @Test
    void query_limitAboveMatches_returnsAllMatches() {
        assertEquals(List.of(e1, e3, e4), log.query(AccessLogQuery.builder().agentId("agent-1").limit(50).build()));
    }

    @Test
    void query_noMatch_isEmpty() {
        assertEquals(List.of(), log.query(AccessLogQuery.builder().agentId("nobody").build()));
    }

    @Test
    void query_result_isAnUnmodifiableSnapshot() {
        List<AccessLogEntry> snapshot = log.query(AccessLogQuery.all());
        log.record(entry("agent-3", 99));
        assertEquals(5, snapshot.size());
        assertThrows(UnsupportedOperationException.class, () -> snapshot.add(e1));
        assertEquals(6, log.query(AccessLogQuery.all()).size());
    }

    @Test
    void query_limitOnAWrappedRing_keepsTheNewest() {
        InMemoryAccessLog small = new InMemoryAccessLog(4);
        for (int i = 0; i < 11; i++) {
            small.record(entry(i % 2 == 0 ? "even" : "odd", i));
        }
        // kept: 7 8 9 10; even ones: 8 10
        assertEquals(List.of(entry("even", 8), entry("even", 10)),
                small.query(AccessLogQuery.builder().agentId("even").build()));
        assertEquals(List.of(entry("even", 10)),
                small.query(AccessLogQuery.builder().agentId("even").limit(1).build()));
    }
}
