package io.sharedmemory.spi;

import io.sharedmemory.api.AccessLogEntry;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives every access-log entry: every read, write, delete, subscribe, broadcast, clear, namespace creation and
 * deletion, permission change and expiry, successful or not.
 *
 * <h2>Contract</h2>
 * {@link #record} is called after the operation has committed, on the thread of the agent that made it (so the
 * entry's order in one sink follows each agent's order of operations), concurrently from many threads. It must be
 * thread-safe and fast; a sink that does I/O should buffer or hand off, and say in its documentation when an entry is
 * durable. An entry is acknowledged when {@code record} returns. A sink that throws is counted in
 * {@link io.sharedmemory.api.MemoryStats#auditFailures()} and logged; other sinks still receive the entry and the
 * operation's outcome does not change.
 *
 * <h2>Finding it</h2>
 * Every present sink receives every entry: inside OSGi every {@code AuditSink} service (one added while the engine runs
 * receives entries from that point on); outside OSGi those found by {@link java.util.ServiceLoader} and those given to
 * {@link io.sharedmemory.api.SharedMemoryOptions.Builder#plugin(Object)}.
 */
@ConsumerType
public interface AuditSink {
    /**
     * @param entry the entry; never null
     */
    void record(AccessLogEntry entry);

    /**
     * Receives an entry with the monotonic stamp of its operation. The engine calls this method; the default passes
     * the entry to {@link #record(AccessLogEntry)} and drops the stamp, so a sink that does not order entries across
     * threads implements only that one. A sink that does (the in-memory access log) uses the stamp instead of reading
     * a clock of its own.
     *
     * @param entry the entry; never null
     * @param nanoTime the value of {@link System#nanoTime()} the engine read for the operation, the same read that
     *        gave {@link AccessLogEntry#timestampMillis()} unless the memory was given a {@link java.time.Clock}. Of two
     *        operations where one returned before the other began, the first has the smaller stamp; one thread's
     *        stamps never decrease. Only differences between stamps mean something.
     * @since 1.1
     */
    default void record(AccessLogEntry entry, long nanoTime) {
        record(entry);
    }
}
