package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The only implementation of {@link SharedMemory}.
 *
 * <h2>How one write goes</h2>
 * Validate the arguments and snapshot the value (no lock); find the namespace; take its gate shared; check the
 * permission and find the strategy in the current plugin snapshot; run {@link WriteCommit} as the store's per-key atomic
 * step (version check, strategy, room, install, claim of the event-stream positions); release the gate; then, outside
 * every lock, hand the access-log entry to the audit sinks and publish the events nobody needs ordered with the commit.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The namespace map only holds namespaces whose {@code deleted} flag is false, except for the instant between
 *       setting the flag and removing the entry, both under that namespace's exclusive gate.</li>
 *   <li>Every operation reads the plugin snapshot once, so it sees one consistent set of plugins even while they
 *       change; a plugin removed mid-operation can only make it fail cleanly (refused, nothing stored).</li>
 *   <li>Reads take no lock: a namespace lookup, a permission check, a map read, the audit entry.</li>
 *   <li>Nothing slow runs under a lock: listeners run on the delivery pool's threads; audit sinks run after the commit.</li>
 * </ul>
 */
public final class Engine implements SharedMemory {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final PluginRegistry registry;
    private final Clock clock;
    /** The system clock read through System.nanoTime(), or null when the options gave another clock. */
    private final WallClock wall;
    private static final AtomicInteger ENGINE_IDS = new AtomicInteger();
    private final DeliveryPool deliveryPool = new DeliveryPool("sharedmemory-delivery-" + ENGINE_IDS.incrementAndGet(),
            DeliveryPool.DEFAULT_WORKERS);
    private final EventHub hub = new EventHub(deliveryPool);
    private final LongAdder auditFailures = new LongAdder();
    /** The sinks whose failure was logged with its stack trace; weak, so that a sink's bundle can go. */
    private final Map<AuditSink, Boolean> tracedSinks = Collections.synchronizedMap(new WeakHashMap<>());
    private final String[] validAgents = new String[64];
    private final AtomicInteger subscriptionIds = new AtomicInteger();
    private final ScheduledExecutorService sweeper;
    private final Runnable onDestroy;
    private volatile Settings settings;
    private volatile ScheduledFuture<?> sweep;
    private volatile boolean destroyed;

    /** The settings that may change while the engine runs (inside OSGi, from Config Admin). */
    private record Settings(int maxLogSize, Duration cleanupInterval, int queueCapacity, long maxValueBytes,
                            boolean requireAuditSink, IdentityMode identity) {
        static Settings of(SharedMemoryOptions o) {
            return new Settings(o.maxLogSize(), o.cleanupInterval(), o.listenerQueueCapacity(), o.maxValueBytes(),
                    o.requireAuditSink(), o.identity());
        }
    }

    /**
     * @param options the settings and the clock (its plugin list is ignored here: the registry holds the plugins)
     * @param registry where plugins are found
     * @param onDestroy run once when the engine is destroyed (to release plugins it owns)
     */
    public Engine(SharedMemoryOptions options, PluginRegistry registry, Runnable onDestroy) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = options.clock();
        this.wall = WallClock.isSystem(clock) ? new WallClock(clock) : null;
        this.settings = Settings.of(options);
        this.onDestroy = onDestroy;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sharedmemory-cleanup");
            t.setDaemon(true);
            return t;
        });
        registry.onChange(this::pushLogCapacity);
        pushLogCapacity();
        schedule(settings.cleanupInterval);
    }

    /**
     * Applies new settings while running: log capacity, cleanup interval, queue capacity of new listeners, value limit,
     * whether an audit sink is required. The clock and plugins in {@code options} are ignored.
     */
    public void reconfigure(SharedMemoryOptions options) {
        Settings old = settings;
        settings = Settings.of(options);
        if (old.identity != IdentityMode.AUTHENTICATED && settings.identity == IdentityMode.AUTHENTICATED) {
            endBareSubscriptions();
        }
        pushLogCapacity();
        if (!old.cleanupInterval.equals(settings.cleanupInterval)) {
            schedule(settings.cleanupInterval);
        }
    }

    private synchronized void schedule(Duration interval) {
        ScheduledFuture<?> s = sweep;
        if (s != null) {
            s.cancel(false);
        }
        if (!interval.isZero() && !destroyed) {
            long ms = interval.toMillis();
            sweep = sweeper.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
        } else {
            sweep = null;
        }
    }

    private void pushLogCapacity() {
        AccessLog log = registry.plugins().accessLog();
        if (log != null) {
            try {
                log.capacity(settings.maxLogSize);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "access log " + log.getClass().getName() + " refused its capacity", e);
            }
        }
    }

    // ---------------------------------------------------------------- namespaces

    @Override
    public void createNamespace(String name) {
        createNamespace(name, NamespaceConfig.defaults());
    }

    @Override
    public void createNamespace(String name, NamespaceConfig config) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = Names.checkNamespace(name);
        if (err != null) {
            audit(p, nanos, now, SYSTEM_AGENT, AccessAction.CREATE_NAMESPACE, name, null, false, err);
            throw new InvalidInputException(err);
        }
        Objects.requireNonNull(config, "config");
        if (destroyed) {
            throw new IllegalStateException("This shared memory has been destroyed");
        }
        requireAudit(p);
        for (;;) {
            Namespace existing = namespaces.get(name);
            if (existing == null) {
                Namespace created = new Namespace(name, config);
                if (namespaces.putIfAbsent(name, created) == null) {
                    if (destroyed) {
                        // destroy() ran meanwhile and may have missed this one
                        created.deleted = true;
                        namespaces.remove(name, created);
                        throw new IllegalStateException("This shared memory has been destroyed");
                    }
                    hub.publish(EventType.NAMESPACE_CREATED, name, null, SYSTEM_AGENT, null, null, now);
                    return;
                }
                continue;
            }
            long stamp = existing.gate.writeLock();
            try {
                if (existing.deleted) {
                    continue;
                }
                existing.configure(config);
                endUnreadableSubscriptions(p, existing);
            } finally {
                existing.gate.unlockWrite(stamp);
            }
            hub.publish(EventType.NAMESPACE_CREATED, name, null, SYSTEM_AGENT, null, null, now);
            return;
        }
    }

    @Override
    public boolean createNamespace(String name, NamespaceConfig config, String agentId) {
        if (bareRefused(agentId, AccessAction.CREATE_NAMESPACE, name, null)) {
            throw new AccessDeniedException(SESSION_REQUIRED_TEXT);
        }
        return createNamespace0(name, config, agentId);
    }

    boolean createNamespace0(String name, NamespaceConfig config, String agentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = firstError(Names.checkNamespace(name), checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, AccessAction.CREATE_NAMESPACE, name, null, false, err);
            throw new InvalidInputException(err);
        }
        Objects.requireNonNull(config, "config");
        if (destroyed) {
            throw new IllegalStateException("This shared memory has been destroyed");
        }
        requireAudit(p);
        NamespaceConfig withAdmin = config.permissions().containsKey(agentId) ? config
                : config.toBuilder().permission(agentId, Permission.ADMIN).build();
        for (;;) {
            Namespace existing = namespaces.get(name);
            if (existing == null) {
                Namespace created = new Namespace(name, withAdmin);
                if (namespaces.putIfAbsent(name, created) == null) {
                    if (destroyed) {
                        created.deleted = true;
                        namespaces.remove(name, created);
                        throw new IllegalStateException("This shared memory has been destroyed");
                    }
                    audit(p, nanos, now, agentId, AccessAction.CREATE_NAMESPACE, name, null, true, null);
                    hub.publish(EventType.NAMESPACE_CREATED, name, null, agentId, null, null, now);
                    return true;
                }
                continue;
            }
            boolean admin;
            long stamp = existing.gate.writeLock();
            try {
                if (existing.deleted) {
                    continue;
                }
                // under the gate, as every administrative check: a revoke that returned is in force here
                admin = permission(p, name, agentId, existing.config).implies(Permission.ADMIN);
                if (admin) {
                    existing.configure(withAdmin);
                    endUnreadableSubscriptions(p, existing);
                }
            } finally {
                existing.gate.unlockWrite(stamp);
            }
            if (!admin) {
                audit(p, nanos, now, agentId, AccessAction.CREATE_NAMESPACE, name, null, false, DENIED_TEXT);
                throw new AccessDeniedException(DENIED_TEXT + ": agent \"" + agentId
                        + "\" may not reconfigure namespace \"" + name + "\" (it needs admin)");
            }
            audit(p, nanos, now, agentId, AccessAction.CREATE_NAMESPACE, name, null, true, null);
            hub.publish(EventType.NAMESPACE_CREATED, name, null, agentId, null, null, now);
            return false;
        }
    }

    @Override
    public Permission permission(String namespace, String agentId) {
        if (namespace == null || agentId == null || Names.checkAgent(agentId) != null) {
            return Permission.NONE;
        }
        Namespace ns = namespaces.get(namespace);
        return ns == null ? Permission.NONE : permission(registry.plugins(), namespace, agentId, ns.config);
    }

    @Override
    public Optional<NamespaceConfig> getNamespaceConfig(String name) {
        Namespace n = name == null ? null : namespaces.get(name);
        return n == null ? Optional.empty() : Optional.of(n.config);
    }

    @Override
    public List<String> getNamespaces() {
        List<String> names = new ArrayList<>(namespaces.keySet());
        Collections.sort(names);
        return Collections.unmodifiableList(names);
    }

    // ---------------------------------------------------------------- entries

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId) {
        return write(namespace, key, value, agentId, WriteOptions.none());
    }

    WriteResult write0(String namespace, String key, Object value, String agentId, WriteOptions options) {
        PluginSet p = registry.plugins();
        // an existing namespace's name was checked when it was created, a stored key when it was first written
        Namespace ns = namespace == null ? null : namespaces.get(namespace);
        String err = ns != null ? firstError(isStored(ns, key) ? null : Names.checkKey(key), checkAgent(agentId))
                : firstError(Names.checkNamespace(namespace), Names.checkKey(key), checkAgent(agentId));
        if (err != null) {
            return refuseWrite(p, System.nanoTime(), namespace, key, agentId, Status.INVALID, 0, err, null);
        }
        WriteOptions opts = options == null ? WriteOptions.none() : options;
        if (auditMissing(p)) {
            return WriteResult.refused(Status.AUDIT_UNAVAILABLE, 0, AUDIT_UNAVAILABLE_TEXT);
        }
        if (ns == null) {
            return refuseWrite(p, System.nanoTime(), namespace, key, agentId, Status.NO_NAMESPACE, 0, missing(namespace),
                    null);
        }
        Settings s = settings;
        Object snapshot;
        Map<String, Object> metadata;
        try {
            snapshot = Values.snapshot(value, s.maxValueBytes);
            metadata = Values.snapshotMetadata(opts.metadata(), s.maxValueBytes);
        } catch (InvalidValueException e) {
            long nanos = System.nanoTime();
            // the names are valid and the namespace exists: report the key's version, as any refusal does, to an
            // agent that may read it
            long version = permission(p, ns.name, agentId, ns.config).implies(Permission.READ)
                    ? liveVersion(ns, key, millisAt(nanos)) : 0;
            return refuseWrite(p, nanos, namespace, key, agentId, Status.INVALID, version, e.getMessage(), null);
        }
        // read once, after the (possibly slow) snapshot: the commit judges expiry at it (a clock read costs ~20 ns)
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        WriteCommit commit = commitWrite(p, ns, key, agentId, snapshot, metadata, opts, now, s);
        if (commit.status == Status.NAMESPACE_FULL && ns.mayExpire && now >= ns.earliestDeadline.get()
                && sweep(ns, nanos, now) > 0) {
            commit = commitWrite(p, ns, key, agentId, snapshot, metadata, opts, now, s);
        }
        if (commit.expired != null) {
            reportExpired(p, ns.name, List.of(key), nanos, now);
        }
        if (commit.status == Status.WRITTEN) {
            audit(p, nanos, now, agentId, AccessAction.WRITE, namespace, key, true, null);
            return WriteResult.written(commit.version);
        }
        String reason = switch (commit.status) {
            case DENIED -> "permission_denied";
            case REJECTED -> "conflict_rejected";
            case VERSION_MISMATCH -> "version_mismatch";
            case NAMESPACE_FULL -> "namespace_full";
            case STRATEGY_UNAVAILABLE -> "strategy_unavailable";
            default -> null;
        };
        String logText = commit.status == Status.REJECTED ? WriteCommit.REJECTED_TEXT : commit.message;
        audit(p, nanos, now, agentId, AccessAction.WRITE, namespace, key, false, logText);
        if (reason != null) {
            hub.publish(EventType.MEMORY_CONFLICT, namespace, key, agentId, snapshot, reason, now);
        }
        return WriteResult.refused(commit.status, commit.version, commit.message);
    }

    private WriteCommit commitWrite(PluginSet p, Namespace ns, String key, String agentId, Object snapshot,
                                    Map<String, Object> metadata, WriteOptions opts, long now, Settings s) {
        long stamp = ns.gate.readLock();
        try {
            NamespaceConfig config = ns.config;
            WriteCommit commit = new WriteCommit(ns, config, null, hub, agentId, snapshot, metadata, opts, now,
                    s.maxValueBytes);
            if (ns.deleted) {
                commit.status = Status.NO_NAMESPACE;
                commit.message = missing(ns.name);
                return commit;
            }
            Permission granted = permission(p, ns.name, agentId, config);
            if (!granted.implies(Permission.WRITE)) {
                commit.status = Status.DENIED;
                commit.message = DENIED_TEXT;
                if (granted.implies(Permission.READ)) {
                    commit.version = liveVersion(ns, key, now);
                }
                return commit;
            }
            ConflictStrategy strategy = p.strategies().get(config.conflictStrategy());
            if (strategy == null) {
                commit.status = Status.STRATEGY_UNAVAILABLE;
                commit.message = "Conflict strategy \"" + config.conflictStrategy() + "\" is not available";
                commit.version = liveVersion(ns, key, now);
                return commit;
            }
            commit.strategy = strategy;
            ns.store.update(key, commit);
            if (commit.status == Status.REJECTED && !registry.plugins().strategies().containsKey(
                    config.conflictStrategy())) {
                commit.status = Status.STRATEGY_UNAVAILABLE;
                commit.message = "Conflict strategy \"" + config.conflictStrategy()
                        + "\" went away during the write; nothing was stored";
            }
            return commit;
        } finally {
            ns.gate.unlockRead(stamp);
        }
    }

    private static long liveVersion(Namespace ns, String key, long now) {
        MemoryEntry cur = ns.store.get(key);
        return cur == null || cur.isExpiredAt(now) ? 0 : cur.version();
    }

    private WriteResult refuseWrite(PluginSet p, long nanos, String namespace, String key, String agentId,
                                    Status status, long version, String message, String conflictReason) {
        long now = millisAt(nanos);
        audit(p, nanos, now, agentId, AccessAction.WRITE, namespace, key, false, message);
        if (conflictReason != null) {
            hub.publish(EventType.MEMORY_CONFLICT, namespace, key, agentId, null, conflictReason, now);
        }
        return WriteResult.refused(status, version, message);
    }

    @SuppressWarnings("unchecked")
    <T> T read0(String namespace, String key, String agentId) {
        return (T) lookup(namespace, key, agentId, false);
    }

    Optional<MemoryEntry> readEntry0(String namespace, String key, String agentId) {
        return Optional.ofNullable((MemoryEntry) lookup(namespace, key, agentId, true));
    }

    /**
     * A read: the live entry (wantEntry) or its value, or null after auditing why not. A value read never touches
     * the entry object: the store's node has the value and the expiry.
     */
    private Object lookup(String namespace, String key, String agentId, boolean wantEntry) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        Namespace ns = namespace == null ? null : namespaces.get(namespace);
        Object found = SegmentedEntryStore.MISSING;
        if (ns != null && key != null) {
            if (wantEntry) {
                MemoryEntry e = ns.store.get(key);
                found = e == null ? SegmentedEntryStore.MISSING
                        : e.isExpiredAt(now) ? SegmentedEntryStore.EXPIRED : e;
            } else {
                found = ns.store.valueAt(key, now);
            }
        }
        // names already stored were checked when they were created or written
        String err = found != SegmentedEntryStore.MISSING ? checkAgent(agentId)
                : ns != null ? firstError(Names.checkKey(key), checkAgent(agentId))
                : firstError(Names.checkNamespace(namespace), Names.checkKey(key), checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, key, false, err);
            return null;
        }
        if (auditMissing(p)) {
            return null;
        }
        if (ns == null) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, key, false, missing(namespace));
            return null;
        }
        if (!permission(p, namespace, agentId, ns.config).implies(Permission.READ)) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, key, false, DENIED_TEXT);
            return null;
        }
        if (found == SegmentedEntryStore.MISSING) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, key, false, "Key not found");
            return null;
        }
        if (found == SegmentedEntryStore.EXPIRED) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, key, false, "Entry expired");
            return null;
        }
        audit(p, nanos, now, agentId, AccessAction.READ, namespace, key, true, null);
        hub.publish(EventType.MEMORY_READ, namespace, key, agentId, wantEntry ? ((MemoryEntry) found).value() : found,
                null, now);
        return found;
    }

    boolean delete0(String namespace, String key, String agentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = firstError(Names.checkNamespace(namespace), Names.checkKey(key), checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, AccessAction.DELETE, namespace, key, false, err);
            return false;
        }
        if (auditMissing(p)) {
            return false;
        }
        Namespace ns = namespaces.get(namespace);
        if (ns == null) {
            audit(p, nanos, now, agentId, AccessAction.DELETE, namespace, key, false, missing(namespace));
            return false;
        }
        String[] failure = new String[1];
        long stamp = ns.gate.readLock();
        try {
            if (ns.deleted) {
                failure[0] = missing(namespace);
            } else if (!permission(p, namespace, agentId, ns.config).implies(Permission.WRITE)) {
                failure[0] = DENIED_TEXT;
            } else {
                ns.store.update(key, (k, cur) -> {
                    if (cur == null) {
                        failure[0] = "Key not found";
                        return null;
                    }
                    if (cur.isExpiredAt(now)) {
                        failure[0] = "Entry expired";
                        return cur;
                    }
                    ns.stored.decrementAndGet();
                    EventJournal j = ns.journalWithConsumers();
                    if (j != null) {
                        j.publish(new ChangeEvent(namespace, k, null, agentId, ChangeAction.DELETE, 0,
                                j.instant(now)));
                    }
                    return null;
                });
            }
        } finally {
            ns.gate.unlockRead(stamp);
        }
        audit(p, nanos, now, agentId, AccessAction.DELETE, namespace, key, failure[0] == null, failure[0]);
        return failure[0] == null;
    }

    List<String> getKeys0(String namespace, String agentId) {
        Map<String, Object> all = snapshotOf(namespace, agentId);
        return all == null ? null : Collections.unmodifiableList(new ArrayList<>(all.keySet()));
    }

    Map<String, Object> getAll0(String namespace, String agentId) {
        Map<String, Object> all = snapshotOf(namespace, agentId);
        return all == null ? null : Collections.unmodifiableMap(all);
    }

    private Map<String, Object> snapshotOf(String namespace, String agentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = firstError(Names.checkNamespace(namespace), Names.checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, null, false, err);
            return null;
        }
        if (auditMissing(p)) {
            return null;
        }
        Namespace ns = namespaces.get(namespace);
        if (ns == null) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, null, false, missing(namespace));
            return null;
        }
        if (!permission(p, namespace, agentId, ns.config).implies(Permission.READ)) {
            audit(p, nanos, now, agentId, AccessAction.READ, namespace, null, false, DENIED_TEXT);
            return null;
        }
        // sorted by key: a stable, predictable order whatever the store's own iteration order
        Map<String, Object> live = new java.util.TreeMap<>();
        ns.store.forEach((k, e) -> {
            if (!e.isExpiredAt(now)) {
                live.put(k, e.value());
            }
        });
        audit(p, nanos, now, agentId, AccessAction.READ, namespace, null, true, null);
        return new LinkedHashMap<>(live);
    }

    // ---------------------------------------------------------------- subscriptions, broadcast, listeners

    /**
     * @param viaSession whether an authenticated session subscribes (else a bare agent id, which an engine switched
     *        to authenticated mode refuses, and whose subscriptions such a switch ends)
     */
    Subscription subscribe0(String namespace, String agentId, Consumer<ChangeEvent> callback, boolean viaSession) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = firstError(Names.checkNamespace(namespace), Names.checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, false, err);
            throw new InvalidInputException(err);
        }
        Objects.requireNonNull(callback, "callback");
        if (destroyed) {
            throw new IllegalStateException("This shared memory has been destroyed");
        }
        requireAudit(p);
        Namespace ns = namespaces.get(namespace);
        if (ns == null) {
            audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, false, missing(namespace));
            throw new NamespaceNotFoundException(namespace);
        }
        if (!permission(p, namespace, agentId, ns.config).implies(Permission.READ)) {
            audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, false, DENIED_TEXT);
            throw new AccessDeniedException(DENIED_TEXT + ": agent \"" + agentId + "\" may not read namespace \""
                    + namespace + "\"");
        }
        NamespaceSubscription sub;
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, false, missing(namespace));
                throw new NamespaceNotFoundException(namespace);
            }
            EventJournal j = ns.journal;
            if (j == null) {
                j = new EventJournal(settings.queueCapacity, deliveryPool);
                ns.journal = j;
            }
            if (!permission(p, namespace, agentId, ns.config).implies(Permission.READ)) {
                audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, false, DENIED_TEXT);
                throw new AccessDeniedException(DENIED_TEXT + ": agent \"" + agentId + "\" may not read namespace \""
                        + namespace + "\"");
            }
            if (!viaSession && settings.identity == IdentityMode.AUTHENTICATED) {
                // the engine switched to authenticated mode while this bare subscribe was on its way
                audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, false, SESSION_REQUIRED_TEXT);
                throw new AccessDeniedException(SESSION_REQUIRED_TEXT);
            }
            sub = new NamespaceSubscription(ns, agentId, viaSession, j, callback, clock,
                    "subscription " + subscriptionIds.incrementAndGet() + " of " + agentId + " to " + namespace);
            ns.subscriptions.incrementAndGet();
            ns.subscribers.add(sub);
            sub.register();
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        audit(p, nanos, now, agentId, AccessAction.SUBSCRIBE, namespace, null, true, null);
        return sub;
    }

    void broadcast0(String namespace, Object message, String agentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = firstError(Names.checkNamespace(namespace), Names.checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, AccessAction.BROADCAST, namespace, null, false, err);
            throw new InvalidInputException(err);
        }
        requireAudit(p);
        Namespace ns = namespaces.get(namespace);
        if (ns == null) {
            audit(p, nanos, now, agentId, AccessAction.BROADCAST, namespace, null, false, missing(namespace));
            throw new NamespaceNotFoundException(namespace);
        }
        Object snapshot;
        try {
            snapshot = Values.snapshot(message, settings.maxValueBytes);
        } catch (InvalidValueException e) {
            audit(p, nanos, now, agentId, AccessAction.BROADCAST, namespace, null, false, e.getMessage());
            throw new InvalidInputException(e.getMessage().replaceFirst("value", "message"));
        }
        long stamp = ns.gate.readLock();
        try {
            if (ns.deleted) {
                audit(p, nanos, now, agentId, AccessAction.BROADCAST, namespace, null, false, missing(namespace));
                throw new NamespaceNotFoundException(namespace);
            }
            if (!permission(p, namespace, agentId, ns.config).implies(Permission.READ)) {
                audit(p, nanos, now, agentId, AccessAction.BROADCAST, namespace, null, false, DENIED_TEXT);
                throw new AccessDeniedException(DENIED_TEXT + ": agent \"" + agentId
                        + "\" may not broadcast to namespace \"" + namespace + "\"");
            }
            EventJournal j = ns.journalWithConsumers();
            if (j != null) {
                j.publish(new ChangeEvent(namespace, null, snapshot, agentId, ChangeAction.BROADCAST, 0,
                        j.instant(now)));
            }
            hub.publish(EventType.MEMORY_BROADCAST, namespace, null, agentId, snapshot, null, now);
        } finally {
            ns.gate.unlockRead(stamp);
        }
        audit(p, nanos, now, agentId, AccessAction.BROADCAST, namespace, null, true, null);
    }

    @Override
    public Registration on(EventType type, Consumer<MemoryEvent> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        if (destroyed) {
            throw new IllegalStateException("This shared memory has been destroyed");
        }
        requireAudit(registry.plugins());
        Registration r = hub.register(type, listener, settings.queueCapacity);
        if (destroyed) {
            r.remove();
            throw new IllegalStateException("This shared memory has been destroyed");
        }
        // wait out mutations already past their check, so that every one committed after this returns is delivered
        for (Namespace ns : namespaces.values()) {
            ns.gate.unlockWrite(ns.gate.writeLock());
        }
        return r;
    }

    // ---------------------------------------------------------------- administration

    boolean clearNamespace0(String namespace, String agentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        Namespace ns = admin(p, nanos, now, AccessAction.CLEAR, namespace, agentId);
        if (ns == null) {
            return false;
        }
        List<String> expiredKeys = new ArrayList<>();
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                audit(p, nanos, now, agentId, AccessAction.CLEAR, namespace, null, false, missing(namespace));
                return false;
            }
            if (!stillAdmin(p, ns, agentId)) {
                audit(p, nanos, now, agentId, AccessAction.CLEAR, namespace, null, false, DENIED_TEXT);
                return false;
            }
            EventJournal j = ns.journalWithConsumers();
            Instant at = Instant.ofEpochMilli(now);
            ns.store.forEach((k, e) -> {
                if (e.isExpiredAt(now)) {
                    expiredKeys.add(k);
                    if (j != null) {
                        j.publish(new ChangeEvent(namespace, k, e.value(), SYSTEM_AGENT, ChangeAction.EXPIRE, 0, at));
                    }
                } else if (j != null) {
                    j.publish(new ChangeEvent(namespace, k, null, agentId, ChangeAction.DELETE, 0, at));
                }
            });
            ns.store.clear();
            ns.stored.set(0);
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        audit(p, nanos, now, agentId, AccessAction.CLEAR, namespace, null, true, null);
        if (!expiredKeys.isEmpty()) {
            reportExpired(p, namespace, expiredKeys, nanos, now);
        }
        hub.publish(EventType.NAMESPACE_CLEARED, namespace, null, agentId, null, null, now);
        return true;
    }

    boolean deleteNamespace0(String namespace, String agentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        Namespace ns = admin(p, nanos, now, AccessAction.DELETE_NAMESPACE, namespace, agentId);
        if (ns == null) {
            return false;
        }
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                audit(p, nanos, now, agentId, AccessAction.DELETE_NAMESPACE, namespace, null, false, missing(namespace));
                return false;
            }
            if (!stillAdmin(p, ns, agentId)) {
                audit(p, nanos, now, agentId, AccessAction.DELETE_NAMESPACE, namespace, null, false, DENIED_TEXT);
                return false;
            }
            ns.deleted = true;
            namespaces.remove(namespace, ns);
            endSubscriptions(ns);
            ns.store.clear();
            ns.stored.set(0);
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        audit(p, nanos, now, agentId, AccessAction.DELETE_NAMESPACE, namespace, null, true, null);
        hub.publish(EventType.NAMESPACE_DELETED, namespace, null, agentId, null, null, now);
        return true;
    }

    boolean updatePermissions0(String namespace, Map<String, Permission> permissions, String requestingAgentId) {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        String err = null;
        if (permissions == null) {
            err = "Invalid permissions: null";
        } else {
            for (Map.Entry<String, Permission> e : permissions.entrySet()) {
                String agentErr = Names.checkAgent(e.getKey());
                if (agentErr != null) {
                    err = "Invalid permissions: " + agentErr;
                    break;
                }
                if (e.getValue() == null) {
                    err = "Invalid permissions: null permission for agent \"" + e.getKey() + "\"";
                    break;
                }
            }
        }
        if (err != null) {
            String nameErr = firstError(Names.checkNamespace(namespace), Names.checkAgent(requestingAgentId));
            audit(p, nanos, now, requestingAgentId, AccessAction.UPDATE_PERMISSIONS, namespace, null, false,
                    nameErr != null ? nameErr : err);
            return false;
        }
        Map<String, Permission> changes = Map.copyOf(permissions);
        Namespace ns = admin(p, nanos, now, AccessAction.UPDATE_PERMISSIONS, namespace, requestingAgentId);
        if (ns == null) {
            return false;
        }
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                audit(p, nanos, now, requestingAgentId, AccessAction.UPDATE_PERMISSIONS, namespace, null, false,
                        missing(namespace));
                return false;
            }
            if (!stillAdmin(p, ns, requestingAgentId)) {
                audit(p, nanos, now, requestingAgentId, AccessAction.UPDATE_PERMISSIONS, namespace, null, false,
                        DENIED_TEXT);
                return false;
            }
            ns.configure(ns.config.toBuilder().permissions(changes).build());
            endUnreadableSubscriptions(p, ns);
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        audit(p, nanos, now, requestingAgentId, AccessAction.UPDATE_PERMISSIONS, namespace, null, true, null);
        hub.publish(EventType.NAMESPACE_PERMISSIONS_UPDATED, namespace, null, requestingAgentId, changes, null, now);
        return true;
    }

    /**
     * Under the namespace's exclusive gate: the admin check that counts. The one before the gate only spares a
     * refused caller the wait; a revoke that returned while this caller waited for the gate is in force here.
     */
    private boolean stillAdmin(PluginSet p, Namespace ns, String agentId) {
        return permission(p, ns.name, agentId, ns.config).implies(Permission.ADMIN);
    }

    /** Checks the arguments and the admin permission of an administrative operation; audits a refusal. */
    private Namespace admin(PluginSet p, long nanos, long now, AccessAction action, String namespace, String agentId) {
        String err = firstError(Names.checkNamespace(namespace), Names.checkAgent(agentId));
        if (err != null) {
            audit(p, nanos, now, agentId, action, namespace, null, false, err);
            return null;
        }
        if (auditMissing(p)) {
            return null;
        }
        Namespace ns = namespaces.get(namespace);
        if (ns == null) {
            audit(p, nanos, now, agentId, action, namespace, null, false, missing(namespace));
            return null;
        }
        if (!permission(p, namespace, agentId, ns.config).implies(Permission.ADMIN)) {
            audit(p, nanos, now, agentId, action, namespace, null, false, DENIED_TEXT);
            return null;
        }
        return ns;
    }

    // ---------------------------------------------------------------- access log, stats, expiry

    @Override
    public List<AccessLogEntry> getAccessLog() {
        return getAccessLog(AccessLogQuery.all());
    }

    @Override
    public List<AccessLogEntry> getAccessLog(AccessLogQuery query) {
        Objects.requireNonNull(query, "query");
        AccessLog log = registry.plugins().accessLog();
        return log == null ? List.of() : log.query(query);
    }

    @Override
    public MemoryStats getStats() {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        List<MemoryStats.NamespaceStats> details = new ArrayList<>();
        long total = 0;
        int subs = 0;
        List<Namespace> all = new ArrayList<>(namespaces.values());
        all.sort((a, b) -> a.name.compareTo(b.name));
        for (Namespace ns : all) {
            long live;
            if (ns.mayExpire) {
                long[] n = new long[1];
                ns.store.forEach((k, e) -> {
                    if (!e.isExpiredAt(now)) {
                        n[0]++;
                    }
                });
                live = n[0];
            } else {
                live = ns.store.size();
            }
            NamespaceConfig c = ns.config;
            int s = ns.subscriptions.get();
            details.add(new MemoryStats.NamespaceStats(ns.name, live, c.defaultPermission(), c.permissions(),
                    c.conflictStrategy(), s));
            total += live;
            subs += s;
        }
        AccessLog log = registry.plugins().accessLog();
        return new MemoryStats(details.size(), total, log == null ? 0 : log.size(), subs, hub.listeners(),
                auditFailures.sum(), details);
    }

    @Override
    public int cleanupExpired() {
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        int removed = 0;
        for (Namespace ns : namespaces.values()) {
            if (ns.mayExpire) {
                removed += sweep(ns, nanos, now);
            }
        }
        return removed;
    }

    private void sweepQuietly() {
        try {
            cleanupExpired();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "expiry sweep failed; it will run again", e);
        }
    }

    /** Removes the expired entries of one namespace; reports each once. */
    private int sweep(Namespace ns, long nanos, long now) {
        List<String> candidates = new ArrayList<>();
        long[] earliestLive = {Long.MAX_VALUE};
        ns.store.forEach((k, e) -> {
            if (e.isExpiredAt(now)) {
                candidates.add(k);
            } else if (e.expiresAtMillis() < earliestLive[0]) {
                earliestLive[0] = e.expiresAtMillis();
            }
        });
        // a write installing an earlier deadline meanwhile lowers it again (WriteCommit)
        ns.earliestDeadline.accumulateAndGet(earliestLive[0],
                (current, seen) -> current < now ? seen : Math.min(current, seen));
        if (candidates.isEmpty()) {
            return 0;
        }
        List<String> removed = new ArrayList<>(candidates.size());
        long stamp = ns.gate.readLock();
        try {
            if (ns.deleted) {
                return 0;
            }
            for (String key : candidates) {
                ns.store.update(key, (k, cur) -> {
                    if (cur == null || !cur.isExpiredAt(now)) {
                        return cur;
                    }
                    removed.add(k);
                    ns.stored.decrementAndGet();
                    EventJournal j = ns.journalWithConsumers();
                    if (j != null) {
                        j.publish(new ChangeEvent(ns.name, k, cur.value(), SYSTEM_AGENT, ChangeAction.EXPIRE, 0,
                                j.instant(now)));
                    }
                    return null;
                });
            }
        } finally {
            ns.gate.unlockRead(stamp);
        }
        if (!removed.isEmpty()) {
            reportExpired(registry.plugins(), ns.name, removed, nanos, now);
        }
        return removed.size();
    }

    private void reportExpired(PluginSet p, String namespace, List<String> keys, long nanos, long now) {
        for (String k : keys) {
            audit(p, nanos, now, SYSTEM_AGENT, AccessAction.EXPIRE, namespace, k, true, null);
        }
        hub.publish(EventType.MEMORY_CLEANUP, namespace, null, SYSTEM_AGENT, List.copyOf(keys), null, now);
    }

    // ---------------------------------------------------------------- identity

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId, WriteOptions options) {
        if (bareRefused(agentId, AccessAction.WRITE, namespace, key)) {
            return WriteResult.refused(Status.DENIED, 0, SESSION_REQUIRED_TEXT);
        }
        return write0(namespace, key, value, agentId, options);
    }

    @Override
    public <T> T read(String namespace, String key, String agentId) {
        return bareRefused(agentId, AccessAction.READ, namespace, key) ? null : read0(namespace, key, agentId);
    }

    @Override
    public Optional<MemoryEntry> readEntry(String namespace, String key, String agentId) {
        return bareRefused(agentId, AccessAction.READ, namespace, key) ? Optional.empty()
                : readEntry0(namespace, key, agentId);
    }

    @Override
    public boolean delete(String namespace, String key, String agentId) {
        return !bareRefused(agentId, AccessAction.DELETE, namespace, key) && delete0(namespace, key, agentId);
    }

    @Override
    public List<String> getKeys(String namespace, String agentId) {
        return bareRefused(agentId, AccessAction.READ, namespace, null) ? null : getKeys0(namespace, agentId);
    }

    @Override
    public Map<String, Object> getAll(String namespace, String agentId) {
        return bareRefused(agentId, AccessAction.READ, namespace, null) ? null : getAll0(namespace, agentId);
    }

    @Override
    public Subscription subscribe(String namespace, String agentId, Consumer<ChangeEvent> callback) {
        if (bareRefused(agentId, AccessAction.SUBSCRIBE, namespace, null)) {
            throw new AccessDeniedException(SESSION_REQUIRED_TEXT);
        }
        return subscribe0(namespace, agentId, callback, false);
    }

    @Override
    public void broadcast(String namespace, Object message, String agentId) {
        if (bareRefused(agentId, AccessAction.BROADCAST, namespace, null)) {
            throw new AccessDeniedException(SESSION_REQUIRED_TEXT);
        }
        broadcast0(namespace, message, agentId);
    }

    @Override
    public boolean clearNamespace(String namespace, String agentId) {
        return !bareRefused(agentId, AccessAction.CLEAR, namespace, null) && clearNamespace0(namespace, agentId);
    }

    @Override
    public boolean deleteNamespace(String namespace, String agentId) {
        return !bareRefused(agentId, AccessAction.DELETE_NAMESPACE, namespace, null)
                && deleteNamespace0(namespace, agentId);
    }

    @Override
    public boolean updatePermissions(String namespace, Map<String, Permission> permissions,
                                     String requestingAgentId) {
        return !bareRefused(requestingAgentId, AccessAction.UPDATE_PERMISSIONS, namespace, null)
                && updatePermissions0(namespace, permissions, requestingAgentId);
    }

    @Override
    public IdentityMode identityMode() {
        return settings.identity;
    }

    @Override
    public AgentSession session(Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        if (destroyed) {
            throw new IllegalStateException("This shared memory has been destroyed");
        }
        long nanos = System.nanoTime();
        long now = millisAt(nanos);
        PluginSet p = registry.plugins();
        requireAudit(p);
        AgentAuthenticator authenticator = p.authenticator();
        String claimed = credentials.agentId();
        Optional<AgentAuthenticator.Identity> identity = Optional.empty();
        if (authenticator != null) {
            try {
                identity = authenticator.authenticate(credentials);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "authenticator " + authenticator.getClass().getName() + " failed", e);
            }
        }
        if (identity == null || identity.isEmpty() || !identity.get().expiresAt().isAfter(Instant.ofEpochMilli(now))
                || Names.checkAgent(identity.get().agentId()) != null) {
            audit(p, nanos, now, claimed, AccessAction.AUTHENTICATE, null, null, false,
                    authenticator == null ? "No authenticator is present" : AUTH_FAILED_TEXT);
            throw new AccessDeniedException(AUTH_FAILED_TEXT);
        }
        AgentAuthenticator.Identity id = identity.get();
        audit(p, nanos, now, id.agentId(), AccessAction.AUTHENTICATE, null, null, true, null);
        return new EngineSession(this, id, authenticator, clock);
    }

    /** Refuses (and audits) an operation with a bare agent id when the memory requires authenticated sessions. */
    private boolean bareRefused(String agentId, AccessAction action, String namespace, String key) {
        if (settings.identity != IdentityMode.AUTHENTICATED) {
            return false;
        }
        audit(registry.plugins(), System.nanoTime(), agentId, action, namespace, key, false, SESSION_REQUIRED_TEXT);
        return true;
    }

    /** Audits an operation refused by a session that is closed or expired. */
    void auditSessionRefusal(String agentId, AccessAction action, String namespace, String key, String why) {
        audit(registry.plugins(), System.nanoTime(), agentId, action, namespace, key, false, why);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        ScheduledFuture<?> s = sweep;
        if (s != null) {
            s.cancel(false);
        }
        sweeper.shutdownNow();
        for (Namespace ns : new ArrayList<>(namespaces.values())) {
            long stamp = ns.gate.writeLock();
            try {
                ns.deleted = true;
                namespaces.remove(ns.name, ns);
                endSubscriptions(ns);
                ns.store.clear();
            } finally {
                ns.gate.unlockWrite(stamp);
            }
        }
        hub.stopAll();
        if (onDestroy != null) {
            onDestroy.run();
        }
    }

    /** The threads that run this memory's callbacks (tests look at them). */
    DeliveryPool deliveryPool() {
        return deliveryPool;
    }

    /** @return whether {@link #destroy()} has been called */
    public boolean isDestroyed() {
        return destroyed;
    }

    /**
     * After a switch to authenticated mode: subscriptions made with a bare agent id were never proven and end. Each
     * namespace's gate is taken exclusively, so a bare subscribe still on its way either registered before (and is
     * ended here) or finds the new mode under the gate and is refused.
     */
    private void endBareSubscriptions() {
        for (Namespace ns : namespaces.values()) {
            long stamp = ns.gate.writeLock();
            try {
                for (NamespaceSubscription sub : ns.subscribers) {
                    if (!sub.viaSession()) {
                        LOG.log(Level.INFO, "subscription of {0} to {1} ended: the memory now requires authenticated "
                                + "sessions", sub.agentId(), ns.name);
                        sub.revoke();
                    }
                }
            } finally {
                ns.gate.unlockWrite(stamp);
            }
        }
    }

    /** The current plugins (sessions check their authenticator against it). */
    PluginSet plugins() {
        return registry.plugins();
    }

    /** Under the exclusive gate, after a permission change: a subscriber that may no longer read stops receiving. */
    private void endUnreadableSubscriptions(PluginSet p, Namespace ns) {
        for (NamespaceSubscription sub : ns.subscribers) {
            if (!permission(p, ns.name, sub.agentId(), ns.config).implies(Permission.READ)) {
                LOG.log(Level.INFO, "subscription of {0} to {1} ended: the agent may no longer read it",
                        sub.agentId(), ns.name);
                sub.revoke();
            }
        }
    }

    private static void endSubscriptions(Namespace ns) {
        EventJournal j = ns.journal;
        if (j != null) {
            for (Delivery<?> d : j.consumers()) {
                d.stop();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static final String DENIED_TEXT = "Insufficient permissions";
    static final String SESSION_REQUIRED_TEXT = "Identity mode is authenticated: act through a session "
            + "(SharedMemory.session(credentials)), not a bare agent id";
    static final String AUTH_FAILED_TEXT = "Authentication failed";
    static final String AUDIT_UNAVAILABLE_TEXT = "No audit sink is present and this memory requires one; "
            + "nothing was done";

    private static String missing(String namespace) {
        return "Namespace \"" + namespace + "\" does not exist";
    }

    /** Names.checkAgent, remembering valid ids by identity: callers pass the same few instances again and again. */
    private String checkAgent(String agentId) {
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

    /**
     * Every operation reads {@link System#nanoTime()} once, for the audit stamp, and takes its wall-clock time from the
     * same read: a second clock read would cost as much again (~20 ns).
     */
    private long millisAt(long nanos) {
        return wall != null ? wall.millisAt(nanos) : clock.millis();
    }

    private static boolean isStored(Namespace ns, String key) {
        return key != null && ns.store.get(key) != null;
    }

    private static String firstError(String a, String b) {
        return a != null ? a : b;
    }

    private static String firstError(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }

    private Permission permission(PluginSet p, String namespace, String agentId, NamespaceConfig config) {
        PermissionProvider provider = p.permissionProvider();
        if (provider == null) {
            return Permission.NONE;
        }
        try {
            Permission granted = provider.permission(namespace, agentId, config);
            return granted == null ? Permission.NONE : granted;
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "permission provider " + provider.getClass().getName()
                    + " failed; denying access", e);
            return Permission.NONE;
        }
    }

    private boolean auditMissing(PluginSet p) {
        if (settings.requireAuditSink && p.auditSinks().length == 0) {
            LOG.log(Level.WARNING, AUDIT_UNAVAILABLE_TEXT);
            return true;
        }
        return false;
    }

    private void requireAudit(PluginSet p) {
        if (auditMissing(p)) {
            throw new SharedMemoryException(AUDIT_UNAVAILABLE_TEXT);
        }
    }

    private void audit(PluginSet p, long nanos, String agentId, AccessAction action, String namespace, String key,
                       boolean success, String error) {
        audit(p, nanos, millisAt(nanos), agentId, action, namespace, key, success, error);
    }

    /**
     * @param nanos the operation's {@link System#nanoTime()}, for sinks that order entries across threads
     * @param now the operation's wall-clock time, from the same read unless the options gave a clock
     */
    private void audit(PluginSet p, long nanos, long now, String agentId, AccessAction action, String namespace,
                       String key, boolean success, String error) {
        AuditSink[] sinks = p.auditSinks();
        if (sinks.length == 0) {
            return;
        }
        // refused before any sink runs, as the entry's constructor did when the engine made the entry here
        Objects.requireNonNull(action, "action");
        // the fields, not an entry: whether an entry object would be optimized away depends on the compiler
        // inlining the sink into each operation, which it declines once this method's own code has grown big
        for (AuditSink sink : sinks) {
            try {
                sink.record(nanos, now, agentId, action, namespace, key, success, error);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (RuntimeException | Error e) {
                auditFailures.increment();
                auditFailed(sink, new AccessLogEntry(now, agentId, action, namespace, key, success, error), e);
            }
        }
    }

    /**
     * Every entry a sink failed to record is logged, so none is lost silently; the stack trace only with a sink's
     * first failure, since a sink that cannot write (a disk full, a path it cannot open) fails on every entry.
     */
    private void auditFailed(AuditSink sink, AccessLogEntry entry, Throwable e) {
        if (tracedSinks.put(sink, Boolean.TRUE) == null) {
            LOG.log(Level.WARNING, "audit sink " + sink.getClass().getName() + " failed to record " + entry, e);
        } else {
            LOG.log(Level.WARNING, "audit sink " + sink.getClass().getName() + " failed to record " + entry + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "SharedMemory[namespaces=" + namespaces.size() + (destroyed ? ", destroyed]" : "]");
    }
}
