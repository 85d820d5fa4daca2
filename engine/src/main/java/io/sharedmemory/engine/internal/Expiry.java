package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.engine.internal.step.ExpireStep;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.StoreException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Expiry: entries carry their deadline and every read path treats {@code now >= deadline} as absent; this class
 * removes dead entries — every {@code cleanupInterval} on one daemon thread, on demand ({@code cleanupExpired}), and
 * when a write finds its namespace full while an entry in it may be dead — each in its own atomic step, and reports
 * each removal once: an {@code EXPIRE} change event (in the key's region), an {@code EXPIRE} access-log record and a
 * {@code memory:cleanup} event per namespace and sweep. The periodic sweep survives any failure of a sweep.
 */
final class Expiry {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final Core core;
    private final ScheduledExecutorService sweeper;
    private ScheduledFuture<?> sweep;

    Expiry(Core core) {
        this.core = core;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharedmemory-cleanup");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void schedule(Duration interval) {
        if (sweep != null) {
            sweep.cancel(false);
        }
        if (!interval.isZero() && !core.destroyed) {
            long ms = interval.toMillis();
            sweep = sweeper.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            sweep = null;
        }
    }

    /** Once, soon: reports the entries that died while the memory was closed (a durable store's recovery). */
    void sweepSoon() {
        if (!core.destroyed) {
            sweeper.execute(this::sweepQuietly);
        }
    }

    synchronized void stop() {
        if (sweep != null) {
            sweep.cancel(false);
        }
        sweeper.shutdownNow();
    }

    int cleanupExpired() {
        long nanos = System.nanoTime();
        long now = core.millisAt(nanos);
        int removed = 0;
        for (Namespace ns : core.namespaces.values()) {
            if (ns.mayExpire) {
                removed += sweep(ns, nanos, now);
            }
        }
        return removed;
    }

    /** A failed sweep must not end the periodic ones: the executor would never run the task again. */
    private void sweepQuietly() {
        try {
            cleanupExpired();
        } catch (Throwable e) {
            LOG.log(Level.ERROR, "expiry sweep failed; it will run again", e);
        }
    }

    /**
     * When a write found the namespace full: sweeps it if an entry in it may be dead. With a store shared by other
     * processes the deadline bound knows only this process's writes, so any namespace that may expire is swept.
     */
    int sweepIfDead(Namespace ns, long now, long nanos) {
        return ns.mayExpire && (core.shared || now >= ns.deadlineBound().deadline()) ? sweep(ns, nanos, now) : 0;
    }

    /** Removes the dead entries of one namespace; reports each once. */
    int sweep(Namespace ns, long nanos, long now) {
        Namespace.DeadlineBound before = ns.deadlineBound();
        List<String> candidates = new ArrayList<>();
        long[] earliestAlive = {Long.MAX_VALUE};
        ns.table.forEach((k, e) -> {
            if (e.isExpiredAt(now)) {
                candidates.add(k);
            } else if (e.expiresAtMillis() < earliestAlive[0]) {
                earliestAlive[0] = e.expiresAtMillis();
            }
        });
        List<String> removed = new ArrayList<>(candidates.size());
        if (!candidates.isEmpty()) {
            long stamp = ns.gate.readLock();
            try {
                if (ns.deleted) {
                    return 0;
                }
                for (String key : candidates) {
                    ExpireStep step = new ExpireStep(ns.name, now, ns.journal);
                    Decision d;
                    if (core.localStep) {
                        d = ns.table.apply(key, step, step);
                    } else {
                        d = ns.table.apply(key, step, null);
                        if (!core.shared) {
                            // a shared store reports the EXPIRE to every process's subscribers itself
                            ((ExpireStep) d).committed(key, d);
                        }
                    }
                    if (((ExpireStep) d).removed()) {
                        removed.add(key);
                    }
                }
            } catch (StoreException e) {
                LOG.log(Level.WARNING, "expiry sweep of namespace {0} stopped: {1}", ns.name, e.getMessage());
            } finally {
                ns.gate.unlockRead(stamp);
            }
        }
        if (removed.size() == candidates.size()) {
            ns.raiseDeadlineBound(before, earliestAlive[0]);
        }
        if (!removed.isEmpty()) {
            report(core.plugins(), ns.name, removed, nanos, now);
        }
        return removed.size();
    }

    /** One EXPIRE record per key and one {@code memory:cleanup} event for the keys. */
    void report(PluginSet p, String namespace, List<String> keys, long nanos, long now) {
        for (String k : keys) {
            core.audit.record(p, nanos, now, SharedMemory.SYSTEM_AGENT, AccessAction.EXPIRE, namespace, k, true, null);
        }
        core.hub.publish(EventType.MEMORY_CLEANUP, namespace, null, SharedMemory.SYSTEM_AGENT, List.copyOf(keys), null,
                now);
    }
}
