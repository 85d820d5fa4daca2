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
}
