package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.events.DeliveryPool;
import io.sharedmemory.engine.internal.plugins.PluginRegistry;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.engine.internal.step.StepCodec;
import io.sharedmemory.engine.internal.store.InMemoryStore;
import io.sharedmemory.engine.internal.store.SegmentedEntryStore;
import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.StoreException;
import io.sharedmemory.store.StoreListener;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The only implementation of {@link SharedMemory}: one-line adapters over the engine's concerns, each in a class of
 * its own — {@link Namespaces} (lifecycle), {@link Entries} (write, read, delete, list), {@link Administration}
 * (clear, permissions), {@link Subscriptions} (subscribe, broadcast, listeners), {@link Expiry}, {@link Identity}
 * (modes, sessions), {@link Statistics} — around one shared {@link Core}. Every call becomes one {@link Operation},
 * which carries the clock reading, the plugin snapshot and who does what where, and through which the operation's
 * outcome is recorded. Storage is a {@link MemoryStore}, opened here and closed by {@link #destroy()}.
 */
public final class Engine implements SharedMemory {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final Core core;
    final Namespaces namespaces;
    final Entries entries;
    final Administration administration;
    final Subscriptions subscriptions;
    final Expiry expiry;
    final Identity identity;
    private final Statistics statistics;
    private final Runnable onDestroy;

    /**
     * @param options the settings, the clock and the store (its plugin list is ignored here: the registry holds the
     *        plugins); without a store, the engine's in-memory one
     * @param registry where plugins are found
     * @param onDestroy run once when the engine is destroyed (to release plugins it owns)
     * @throws SharedMemoryException when the store cannot be opened, naming why
     */
    public Engine(SharedMemoryOptions options, PluginRegistry registry, Runnable onDestroy) {
        this(options, registry, options.store().orElseGet(InMemoryStore::new), onDestroy);
    }

    /**
     * @param store the store to open (it overrides the options' store)
     * @throws SharedMemoryException when the store cannot be opened, naming why
     */
    public Engine(SharedMemoryOptions options, PluginRegistry registry, MemoryStore store, Runnable onDestroy) {
        Objects.requireNonNull(registry, "registry");
        this.core = new Core(registry, options.clock(), Settings.of(options), Objects.requireNonNull(store, "store"));
        this.onDestroy = onDestroy;
        this.subscriptions = new Subscriptions(core);
        this.namespaces = new Namespaces(core, subscriptions);
        this.expiry = new Expiry(core);
        this.entries = new Entries(core, expiry);
        this.administration = new Administration(core, namespaces, expiry);
        this.identity = new Identity(core);
        this.statistics = new Statistics(core);
        options.deliverySpin().ifPresent(spin -> core.deliveryPool.spin(spin.toNanos()));
        Map<String, NamespaceConfig> held;
        try {
            held = store.open(new Context(core, new StoreEvents(core, namespaces, subscriptions)));
        } catch (StoreException | IllegalStateException e) {
            expiry.stop();
            throw new SharedMemoryException("The store \"" + store.name() + "\" could not be opened: "
                    + e.getMessage(), e);
        }
        namespaces.recover(held);
        registry.onChange(this::pushLogCapacity);
        pushLogCapacity();
        expiry.schedule(core.settings.cleanupInterval());
        if (!held.isEmpty()) {
            expiry.sweepSoon();
        }
    }

    /**
     * What the engine gives its store: the clock, its in-memory tables, its codec and its listener, bound to this
     * engine.
     */
    private static final class Context implements StoreContext {
        private final Core core;
        private final StoreCodec codec;
        private final StoreListener listener;

        Context(Core core, StoreListener listener) {
            this.core = core;
            this.listener = listener;
            this.codec = new StepCodec(ns -> {
                Namespace n = core.namespaces.get(ns);
                return n == null ? null : n.config;
            }, name -> core.plugins().strategies().get(name));
        }

        @Override
        public Clock clock() {
            return core.clock;
        }

        @Override
        public EntryTable newMemoryTable() {
            return new SegmentedEntryStore();
        }

        @Override
        public StoreCodec codec() {
            return codec;
        }

        @Override
        public StoreListener listener() {
            return listener;
        }
    }

    /**
     * Applies new settings while running: log capacity, cleanup interval, queue capacity of new listeners, value limit,
     * delivery threads' spin, whether an audit sink is required, the identity mode (a switch to authenticated ends bare-id subscriptions). The
     * clock, the store and the plugins in {@code options} are ignored.
     */
    public void reconfigure(SharedMemoryOptions options) {
        Settings old = core.settings;
        core.settings = Settings.of(options);
        if (old.identity() != IdentityMode.AUTHENTICATED && options.identity() == IdentityMode.AUTHENTICATED) {
            subscriptions.endBare();
        }
        pushLogCapacity();
        core.deliveryPool.spin(options.deliverySpin().map(Duration::toNanos)
                .orElse(io.sharedmemory.engine.internal.events.DeliveryPool.SPIN_NANOS));
        if (!old.cleanupInterval().equals(options.cleanupInterval())) {
            expiry.schedule(options.cleanupInterval());
        }
    }

    private void pushLogCapacity() {
        AccessLog log = core.plugins().accessLog();
        if (log != null) {
            try {
                log.capacity(core.settings.maxLogSize());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "access log " + log.getClass().getName() + " refused its capacity", e);
            }
        }
    }

    /** An operation by a bare agent id (refused in authenticated mode). */
    private Operation op(AccessAction action, String namespace, String key, String agentId) {
        return new Operation(core, action, namespace, key, agentId, false);
    }

    /** An operation of an authenticated session. */
    Operation sessionOp(AccessAction action, String namespace, String key, String agentId) {
        return new Operation(core, action, namespace, key, agentId, true);
    }

    /** The current plugins (sessions check their authenticator against it). */
    PluginSet plugins() {
        return core.plugins();
    }

    // ---------------------------------------------------------------- namespaces

    @Override
    public void createNamespace(String name) {
        namespaces.create(name, NamespaceConfig.defaults());
    }

    @Override
    public void createNamespace(String name, NamespaceConfig config) {
        namespaces.create(name, config);
    }

    @Override
    public boolean createNamespace(String name, NamespaceConfig config, String agentId) {
        return namespaces.createAsAgent(op(AccessAction.CREATE_NAMESPACE, name, null, agentId), config);
    }

    @Override
    public Optional<NamespaceConfig> getNamespaceConfig(String name) {
        return namespaces.config(name);
    }

    @Override
    public List<String> getNamespaces() {
        return namespaces.names();
    }

    @Override
    public Permission permission(String namespace, String agentId) {
        return namespaces.permission(namespace, agentId);
    }

    // ---------------------------------------------------------------- entries

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId) {
        return entries.write(op(AccessAction.WRITE, namespace, key, agentId), value, WriteOptions.none());
    }

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId, WriteOptions options) {
        return entries.write(op(AccessAction.WRITE, namespace, key, agentId), value, options);
    }

    @Override
    public <T> T read(String namespace, String key, String agentId) {
        return entries.read(op(AccessAction.READ, namespace, key, agentId));
    }

    @Override
    public Optional<MemoryEntry> readEntry(String namespace, String key, String agentId) {
        return entries.readEntry(op(AccessAction.READ, namespace, key, agentId));
    }

    @Override
    public boolean delete(String namespace, String key, String agentId) {
        return entries.delete(op(AccessAction.DELETE, namespace, key, agentId));
    }

    @Override
    public List<String> getKeys(String namespace, String agentId) {
        return entries.keys(op(AccessAction.READ, namespace, null, agentId));
    }

    @Override
    public Map<String, Object> getAll(String namespace, String agentId) {
        return entries.all(op(AccessAction.READ, namespace, null, agentId));
    }

    // ---------------------------------------------------------------- events

    @Override
    public Subscription subscribe(String namespace, String agentId, Consumer<ChangeEvent> callback) {
        return subscriptions.subscribe(op(AccessAction.SUBSCRIBE, namespace, null, agentId), callback);
    }

    @Override
    public void broadcast(String namespace, Object message, String agentId) {
        subscriptions.broadcast(op(AccessAction.BROADCAST, namespace, null, agentId), message);
    }

    @Override
    public Registration on(EventType type, Consumer<MemoryEvent> listener) {
        return subscriptions.on(type, listener);
    }

    // ---------------------------------------------------------------- administration

    @Override
    public boolean clearNamespace(String namespace, String agentId) {
        return administration.clear(op(AccessAction.CLEAR, namespace, null, agentId));
    }

    @Override
    public boolean deleteNamespace(String namespace, String agentId) {
        return namespaces.delete(op(AccessAction.DELETE_NAMESPACE, namespace, null, agentId), expiry);
    }

    @Override
    public boolean updatePermissions(String namespace, Map<String, Permission> permissions,
                                     String requestingAgentId) {
        return administration.updatePermissions(op(AccessAction.UPDATE_PERMISSIONS, namespace, null,
                requestingAgentId), permissions);
    }

    // ---------------------------------------------------------------- access log, stats, expiry, identity

    @Override
    public List<AccessLogEntry> getAccessLog() {
        return getAccessLog(AccessLogQuery.all());
    }

    @Override
    public List<AccessLogEntry> getAccessLog(AccessLogQuery query) {
        Objects.requireNonNull(query, "query");
        AccessLog log = core.plugins().accessLog();
        return log == null ? List.of() : log.query(query);
    }

    @Override
    public MemoryStats getStats() {
        return statistics.stats();
    }

    @Override
    public int cleanupExpired() {
        return expiry.cleanupExpired();
    }

    @Override
    public AgentSession session(Credentials credentials) {
        return identity.session(this, credentials);
    }

    @Override
    public IdentityMode identityMode() {
        return identity.mode();
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void destroy() {
        synchronized (this) {
            if (core.destroyed) {
                return;
            }
            core.destroyed = true;
        }
        expiry.stop();
        namespaces.endAll();
        core.hub.stopAll();
        try {
            core.store.close();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "sharedmemory: the store \"" + core.store.name() + "\" failed to close", e);
        }
        if (onDestroy != null) {
            onDestroy.run();
        }
    }

    /** @return whether {@link #destroy()} has been called */
    public boolean isDestroyed() {
        return core.destroyed;
    }

    /** The threads that run this memory's callbacks (tests look at them). */
    public DeliveryPool deliveryPool() {
        return core.deliveryPool;
    }

    @Override
    public String toString() {
        return "SharedMemory[namespaces=" + core.namespaces.size()
                + (core.store instanceof InMemoryStore ? "" : ", store=" + core.store.name())
                + (core.destroyed ? ", destroyed]" : "]");
    }
}
