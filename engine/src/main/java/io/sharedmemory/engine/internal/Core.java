package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.internal.events.DeliveryPool;
import io.sharedmemory.engine.internal.events.EventHub;
import io.sharedmemory.engine.internal.plugins.PluginRegistry;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every concern of one engine shares: the plugins, the clock, the settings, the audit trail, the event streams,
 * the store and the namespaces. One per engine; the concerns ({@link Namespaces}, {@link Entries},
 * {@link Administration}, {@link Subscriptions}, {@link Expiry}, {@link Identity}, {@link Statistics}) each hold it.
 */
final class Core {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
    static final String AUDIT_UNAVAILABLE_TEXT = "No audit sink is present and this memory requires one; "
            + "nothing was done";

    final PluginRegistry registry;
    final Clock clock;
    /** The system clock read through System.nanoTime(), or null when the options gave another clock. */
    private final WallClock wall;
    final AuditTrail audit = new AuditTrail();
    final DeliveryPool deliveryPool = new DeliveryPool("sharedmemory-delivery-" + ENGINE_IDS.incrementAndGet(),
            DeliveryPool.DEFAULT_WORKERS);
    final EventHub hub;
    final MemoryStore store;
    /** Whether the store runs steps here, in the key's region, where the engine's ordered effects then run. */
    final boolean localStep;
    /**
     * Whether other processes share the store: then subscribers receive entry changes only as the store reports them
     * (from every process, this one's included), and namespaces follow what the store reports from elsewhere.
     */
    final boolean shared;
    /**
     * Only namespaces whose {@code deleted} flag is false, except for the instant between setting the flag and
     * removing the entry, both under that namespace's exclusive gate.
     */
    final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final String[] validAgents = new String[64];
    volatile Settings settings;
    volatile boolean destroyed;

    Core(PluginRegistry registry, Clock clock, Settings settings, MemoryStore store) {
        this.registry = registry;
        this.clock = clock;
        this.wall = WallClock.isSystem(clock) ? new WallClock(clock) : null;
        this.settings = settings;
        this.hub = new EventHub(deliveryPool, clock);
        this.store = store;
        this.localStep = store.capabilities().contains(StoreCapability.LOCAL_STEP);
        this.shared = store.capabilities().contains(StoreCapability.SHARED);
    }

    /**
     * Every operation reads {@link System#nanoTime()} once, for the audit stamp, and takes its wall-clock time from
     * the same read: a second clock read would cost as much again (~20 ns).
     */
    long millisAt(long nanos) {
        return wall != null ? wall.millisAt(nanos) : clock.millis();
    }

    PluginSet plugins() {
        return registry.plugins();
    }

    /** Names.checkAgent, remembering valid ids by identity: callers pass the same few instances again and again. */
    String checkAgent(String agentId) {
        if (agentId == null) {
            return Names.checkAgent(null);
        }
        // racy on purpose: a String is immutable, and a slot lost to another thread only costs a check
        String[] known = validAgents;
        int i = agentId.hashCode() & (known.length - 1);
        if (known[i] == agentId) {
            return null;
        }
        String err = Names.checkAgent(agentId);
        if (err == null) {
            known[i] = agentId;
        }
        return err;
    }

    /** @return whether the memory requires an audit sink and none is present (logged) */
    boolean auditMissing(PluginSet p) {
        if (settings.requireAuditSink() && p.auditSinks().length == 0) {
            LOG.log(Level.WARNING, AUDIT_UNAVAILABLE_TEXT);
            return true;
        }
        return false;
    }

    /** For the throwing operations. */
    void requireAudit(PluginSet p) {
        if (auditMissing(p)) {
            throw new SharedMemoryException(AUDIT_UNAVAILABLE_TEXT);
        }
    }

    void requireAlive() {
        if (destroyed) {
            throw new IllegalStateException("This shared memory has been destroyed");
        }
    }

    static String missing(String namespace) {
        return "Namespace \"" + namespace + "\" does not exist";
    }

    static String firstError(String a, String b) {
        return a != null ? a : b;
    }

    static String firstError(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }
}
