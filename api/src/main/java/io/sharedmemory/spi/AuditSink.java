package io.sharedmemory.spi;

import io.sharedmemory.api.AccessAction;
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
     * Receives an entry with the monotonic stamp of its operation. The engine reaches this method through the
     * default of {@link #record(long, long, String, AccessAction, String, String, boolean, String)}; its own default
     * passes the entry to {@link #record(AccessLogEntry)} and drops the stamp, so a sink that does not order entries
     * across threads implements only that one. A sink that does (the in-memory access log) uses the stamp instead of reading
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

    /**
     * Receives an entry as its fields, with the monotonic stamp of its operation. This is the method the engine
     * calls, once per operation and sink, on the operation's thread, after the operation has committed. The default
     * makes the {@link AccessLogEntry} and passes it to {@link #record(AccessLogEntry, long)}, so most sinks never
     * see this method. A sink that keeps the fields rather than the object (the in-memory access log) overrides it
     * and spares every operation an allocation; it still implements {@link #record(AccessLogEntry)} (and, if it
     * orders entries, {@link #record(AccessLogEntry, long)}), because tools and wrappers call those, and all three
     * must record the same thing. A sink that wraps another passes all three on, or the wrapped sink's override is
     * never used. An override keeps the contract of the class (thread-safe, fast, failures counted and logged by the
     * engine) and throws {@link NullPointerException} for a null {@code action}, as the entry's constructor does.
     *
     * @param nanoTime the operation's stamp, as for {@link #record(AccessLogEntry, long)}
     * @param timestampMillis when it happened, in epoch milliseconds: {@link AccessLogEntry#timestampMillis()}
     * @param agentId who did it; null only when the caller passed none
     * @param action the operation; never null
     * @param namespace where; null only when the caller passed none
     * @param key the key, or null when the operation concerns no single key
     * @param success whether the operation succeeded
     * @param error why it failed; null on success
     * @since 1.2
     */
    default void record(long nanoTime, long timestampMillis, String agentId, AccessAction action, String namespace,
                        String key, boolean success, String error) {
        record(new AccessLogEntry(timestampMillis, agentId, action, namespace, key, success, error), nanoTime);
    }
}
