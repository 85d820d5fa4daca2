package io.sharedmemory.remote.http;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.spi.AuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Counts the memory's operations per namespace — reads, writes, refusals — as an {@link AuditSink}, and keeps how many
 * of each happened in every sampling interval of the last minutes, for {@code GET /v1/stats} and the console's chart.
 * The engine has no counters of its own: this sink is what pays for them, and only where it is installed.
 *
 * <h2>What is counted</h2>
 * <ul>
 *   <li>reads: every {@code READ} that was answered, including those that found no entry (a missing or expired key is
 *       an answer, not a refusal);</li>
 *   <li>writes: every successful {@code WRITE}, {@code DELETE} and {@code CLEAR};</li>
 *   <li>refusals: every operation of any action that failed for another reason than a missing or expired key (denied,
 *       rejected by the conflict strategy, version mismatch, full, invalid, unavailable, ...).</li>
 * </ul>
 * Operations that name no namespace (signing in) and the sweeper's expiries are not counted. Counts are kept for the
 * namespaces that exist: the sampler learns them from the memory ({@link #start(SharedMemory)}) at every interval and
 * forgets those that are gone; an operation on a namespace it does not know yet is counted if it succeeded (a
 * namespace created less than one interval ago), and a refusal on an unknown name — a namespace that does not exist,
 * which no agent can see — is not.
 *
 * <h2>Cost and threads</h2>
 * {@link #record(long, long, String, AccessAction, String, String, boolean, String)} runs on every operation's thread:
 * one lock-free map lookup and one {@link LongAdder} increment, no allocation. The history is made by one sampler
 * thread, which reads the adders once per interval and writes each active namespace's ring of per-interval counts; a
 * namespace idle for a whole window keeps no ring. {@link #window} and the sampler share this object's monitor, so a
 * window is always made of whole intervals.
 */
public final class OperationCounters implements AuditSink, AutoCloseable {
    /** The default sampling interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    /** The default number of intervals kept: five minutes of two-second intervals. */
    public static final int DEFAULT_INTERVALS = 150;

    // the engine's texts for an entry that is not there: an answer of a read, not a refusal
    private static final String KEY_NOT_FOUND = "Key not found";
    private static final String ENTRY_EXPIRED = "Entry expired";

    private static final System.Logger LOG = System.getLogger("io.sharedmemory.remote.http");

    private final ConcurrentHashMap<String, Counts> byNamespace = new ConcurrentHashMap<>();
    private final long intervalMillis;
    private final int intervals;
    private final Instant created = Instant.now();

    // guarded by this
    private long tick;
    private long lastSampleMillis;
    private ScheduledExecutorService sampler;
    private boolean closed;
    private boolean failureLogged;

    /** Counters of two-second intervals over five minutes. */
    public OperationCounters() {
        this(DEFAULT_INTERVAL, DEFAULT_INTERVALS);
    }

    /**
     * @param interval how long one sample lasts, at least 100 ms
     * @param intervals how many samples are kept, 2 to 10 000
     * @throws IllegalArgumentException when out of range
     */
    public OperationCounters(Duration interval, int intervals) {
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 100) {
            throw new IllegalArgumentException("interval: at least 100 ms, not " + interval);
        }
        if (intervals < 2 || intervals > 10_000) {
            throw new IllegalArgumentException("intervals: 2 to 10000, not " + intervals);
        }
        this.intervalMillis = interval.toMillis();
        this.intervals = intervals;
    }

    /** One kind of operation. */
    private enum Kind { READ, WRITE, REFUSAL }

    /** One namespace's counts: adders written by operations, the rest confined to the sampler (under the monitor). */
    private static final class Counts {
        final LongAdder reads = new LongAdder();
        final LongAdder writes = new LongAdder();
        final LongAdder refusals = new LongAdder();
        long lastReads;
        long lastWrites;
        long lastRefusals;
        long lastActiveTick;
        /** per interval: [3 * slot] reads, [3 * slot + 1] writes, [3 * slot + 2] refusals; null while idle */
        int[] ring;
    }

    /**
     * The counts of the last intervals, summed over some namespaces.
     *
     * @param end when the newest interval ended (before the first sample: when counting began)
     * @param interval the length of one interval
     * @param reads reads per interval, oldest first; each list has one number per kept interval
     * @param writes writes per interval, oldest first
     * @param refusals refusals per interval, oldest first
     */
    public record Window(Instant end, Duration interval, List<Long> reads, List<Long> writes, List<Long> refusals) {
        /** Copies the lists. */
        public Window {
            reads = List.copyOf(reads);
            writes = List.copyOf(writes);
            refusals = List.copyOf(refusals);
        }
    }

    /**
     * Starts sampling the counts once per interval, learning the namespaces from the memory. Idempotent.
     *
     * @param memory the memory whose operations this sink receives
     * @throws IllegalStateException when closed
     */
    public synchronized void start(SharedMemory memory) {
        Objects.requireNonNull(memory, "memory");
        if (closed) {
            throw new IllegalStateException("these counters are closed");
        }
        if (sampler != null) {
            return;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharedmemory-operation-counters");
            t.setDaemon(true);
            return t;
        });
        lastSampleMillis = System.currentTimeMillis();
        Supplier<Collection<String>> namespaces = memory::getNamespaces;
        sampler.scheduleAtFixedRate(() -> sampleSafely(namespaces), intervalMillis, intervalMillis,
                TimeUnit.MILLISECONDS);
    }

    private void sampleSafely(Supplier<Collection<String>> namespaces) {
        Collection<String> existing;
        try {
            existing = namespaces.get();
        } catch (RuntimeException e) {
            // the memory is stopping or unavailable: count nothing new, keep the interval (the chart shows zero)
            existing = null;
            synchronized (this) {
                if (!failureLogged) {
                    failureLogged = true;
                    LOG.log(System.Logger.Level.WARNING, "operation counters: the memory's namespaces could not be "
                            + "read; sampling goes on without new namespaces: " + e);
                }
            }
        }
        sample(existing, System.currentTimeMillis());
    }

    /**
     * Ends one interval: moves what was counted since the last one into each namespace's ring, and forgets the
     * namespaces that no longer exist. Called by the sampler; tests call it directly.
     *
     * @param existing the namespaces that exist now, or null to keep the known ones
     * @param nowMillis the end of the interval
     */
    synchronized void sample(Collection<String> existing, long nowMillis) {
        if (closed) {
            return;
        }
        if (existing != null) {
            Set<String> names = existing instanceof Set<String> s ? s : new HashSet<>(existing);
            byNamespace.keySet().retainAll(names);
            for (String name : names) {
                byNamespace.computeIfAbsent(name, n -> new Counts());
            }
        }
        long t = ++tick;
        int slot = (int) (t % intervals);
        for (Counts c : byNamespace.values()) {
            long r = c.reads.sum();
            long w = c.writes.sum();
            long x = c.refusals.sum();
            int dr = saturated(r - c.lastReads);
            int dw = saturated(w - c.lastWrites);
            int dx = saturated(x - c.lastRefusals);
            c.lastReads = r;
            c.lastWrites = w;
            c.lastRefusals = x;
            boolean active = dr != 0 || dw != 0 || dx != 0;
            if (active) {
                c.lastActiveTick = t;
                if (c.ring == null) {
                    c.ring = new int[3 * intervals];
                }
            } else if (c.ring != null && t - c.lastActiveTick >= intervals) {
                c.ring = null;
            }
            if (c.ring != null) {
                c.ring[3 * slot] = dr;
                c.ring[3 * slot + 1] = dw;
                c.ring[3 * slot + 2] = dx;
            }
        }
        lastSampleMillis = nowMillis;
    }

    private static int saturated(long delta) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, delta));
    }

    /**
     * @param visible which namespaces to sum (for the HTTP API: those the agent may read)
     * @return the counts of the kept intervals over those namespaces, oldest first
     */
    public synchronized Window window(Predicate<String> visible) {
        long[] sums = new long[3 * intervals];
        for (Map.Entry<String, Counts> e : byNamespace.entrySet()) {
            int[] ring = e.getValue().ring;
            if (ring == null || !visible.test(e.getKey())) {
                continue;
            }
            for (int i = 0; i < intervals; i++) {
                long t = tick - intervals + 1 + i; // i = 0 is the oldest kept interval
                if (t <= 0) {
                    continue;
                }
                int slot = (int) (t % intervals);
                sums[3 * i] += ring[3 * slot];
                sums[3 * i + 1] += ring[3 * slot + 1];
                sums[3 * i + 2] += ring[3 * slot + 2];
            }
        }
        List<Long> reads = new ArrayList<>(intervals);
        List<Long> writes = new ArrayList<>(intervals);
        List<Long> refusals = new ArrayList<>(intervals);
        for (int i = 0; i < intervals; i++) {
            reads.add(sums[3 * i]);
            writes.add(sums[3 * i + 1]);
            refusals.add(sums[3 * i + 2]);
        }
        Instant end = tick == 0 ? created : Instant.ofEpochMilli(lastSampleMillis);
        return new Window(end, Duration.ofMillis(intervalMillis), reads, writes, refusals);
    }

    /**
     * Reads, writes and refusals of one namespace over the kept intervals.
     *
     * @param reads reads
     * @param writes writes
     * @param refusals refusals
     */
    public record Totals(long reads, long writes, long refusals) {
        /** No operation. */
        public static final Totals NONE = new Totals(0, 0, 0);
    }

    /**
     * @param visible which namespaces to report
     * @return each of those namespaces that had an operation in the kept intervals, with its totals over them
     */
    public synchronized Map<String, Totals> totals(Predicate<String> visible) {
        Map<String, Totals> out = new java.util.TreeMap<>();
        for (Map.Entry<String, Counts> e : byNamespace.entrySet()) {
            int[] ring = e.getValue().ring;
            if (ring == null || !visible.test(e.getKey())) {
                continue;
            }
            long r = 0;
            long w = 0;
            long x = 0;
            for (int slot = 0; slot < intervals; slot++) {
                // slots not yet written since the ring was made hold zeros
                r += ring[3 * slot];
                w += ring[3 * slot + 1];
                x += ring[3 * slot + 2];
            }
            if (r != 0 || w != 0 || x != 0) {
                out.put(e.getKey(), new Totals(r, w, x));
            }
        }
        return out;
    }

    @Override
    public void record(long nanoTime, long timestampMillis, String agentId, AccessAction action, String namespace,
                       String key, boolean success, String error) {
        Objects.requireNonNull(action, "action");
        if (namespace == null) {
            return;
        }
        Kind kind = kind(action, success, error);
        if (kind == null) {
            if (success && action == AccessAction.CREATE_NAMESPACE) {
                byNamespace.computeIfAbsent(namespace, n -> new Counts());
            }
            return;
        }
        Counts c = byNamespace.get(namespace);
        if (c == null) {
            if (!success) {
                return;
            }
            c = byNamespace.computeIfAbsent(namespace, n -> new Counts());
        }
        switch (kind) {
            case READ -> c.reads.increment();
            case WRITE -> c.writes.increment();
            default -> c.refusals.increment();
        }
    }

    private static Kind kind(AccessAction action, boolean success, String error) {
        if (!success) {
            boolean missing = KEY_NOT_FOUND.equals(error) || ENTRY_EXPIRED.equals(error);
            if (!missing) {
                return Kind.REFUSAL;
            }
            return action == AccessAction.READ ? Kind.READ : null;
        }
        return switch (action) {
            case READ -> Kind.READ;
            case WRITE, DELETE, CLEAR -> Kind.WRITE;
            default -> null;
        };
    }

    @Override
    public void record(AccessLogEntry entry, long nanoTime) {
        record(nanoTime, entry.timestampMillis(), entry.agentId(), entry.action(), entry.namespace(), entry.key(),
                entry.success(), entry.error());
    }

    @Override
    public void record(AccessLogEntry entry) {
        record(entry, System.nanoTime());
    }

    /** Stops sampling; the sink keeps counting but its window no longer moves. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }
}
