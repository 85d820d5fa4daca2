package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.spi.AuditSink;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hands every access-log entry to every audit sink present, after the operation's commit and outside every lock. A
 * sink that throws does not change the operation's outcome: the failure is counted and the entry the sink lost is
 * logged, so none is lost silently.
 */
final class AuditTrail {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final LongAdder failures = new LongAdder();
    /** The sinks whose failure was logged with its stack trace; weak, so that a sink's bundle can go. */
    private final Map<AuditSink, Boolean> tracedSinks = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * @param nanos the operation's {@link System#nanoTime()}, for sinks that order entries across threads
     * @param now the operation's wall-clock time, from the same read unless the options gave a clock
     */
    void record(PluginSet p, long nanos, long now, String agentId, AccessAction action, String namespace, String key,
                boolean success, String error) {
        AuditSink[] sinks = p.auditSinks();
        if (sinks.length == 0) {
            return;
        }
        // refused before any sink runs, as the entry's constructor would
        Objects.requireNonNull(action, "action");
        // the fields, not an entry: whether an entry object would be optimized away depends on the compiler
        // inlining the sink into each operation, which it declines once the calling code has grown big
        for (AuditSink sink : sinks) {
            try {
                sink.record(nanos, now, agentId, action, namespace, key, success, error);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (RuntimeException | Error e) {
                failures.increment();
                failed(sink, new AccessLogEntry(now, agentId, action, namespace, key, success, error), e);
            }
        }
    }

    /** @return how many times a sink threw */
    long failures() {
        return failures.sum();
    }

    /**
     * Every entry a sink failed to record is logged; the stack trace only with a sink's first failure, since a sink
     * that cannot write (a disk full, a path it cannot open) fails on every entry.
     */
    private void failed(AuditSink sink, AccessLogEntry entry, Throwable e) {
        if (tracedSinks.put(sink, Boolean.TRUE) == null) {
            LOG.log(Level.WARNING, "audit sink " + sink.getClass().getName() + " failed to record " + entry, e);
        } else {
            LOG.log(Level.WARNING, "audit sink " + sink.getClass().getName() + " failed to record " + entry + ": " + e);
        }
    }
}
