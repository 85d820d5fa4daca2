package io.sharedmemory.audit.internal;

import static io.sharedmemory.audit.internal.Entries.entry;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.AccessLogEntry;
import org.junit.jupiter.api.Test;

/**
 * Guards the O(1) record: the specification's log copies itself on every append, so its cost grows with the capacity;
 * ours must not. Measured on a full ring (the steady state), best of several runs, with a wide margin because the
 * machine is shared: a copying log is about 1000 times slower at 1 000 000 than at 1 000.
 */
class InMemoryAccessLog_ConstantTimeTest {
    private static final int APPENDS = 200_000;

    private static double nanosPerRecord(int capacity, AccessLogEntry[] entries) {
        InMemoryAccessLog log = new InMemoryAccessLog(capacity);
        for (int i = 0; i < capacity; i++) {
            log.record(entries[i % entries.length]);
        }
        double best = Double.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long start = System.nanoTime();
            for (int i = 0; i < APPENDS; i++) {
                log.record(entries[i % entries.length]);
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) APPENDS);
        }
        return best;
    }

    @Test
    void record_costsTheSameAtAThousandAndAMillionEntries() {
        AccessLogEntry[] entries = new AccessLogEntry[1024];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry("agent", i);
        }
        nanosPerRecord(1_000, entries); // warm-up
        double small = nanosPerRecord(1_000, entries);
        double large = nanosPerRecord(1_000_000, entries);
        System.out.printf("InMemoryAccessLog.record: %.1f ns at capacity 1 000, %.1f ns at 1 000 000%n", small, large);
        assertTrue(large < Math.max(small, 20) * 10,
                String.format("record costs %.1f ns at 1 000 000 entries vs %.1f ns at 1 000", large, small));
    }
}
