package io.sharedmemory.engine.internal.osgi;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.engine.internal.Engine;
import io.sharedmemory.engine.internal.ForwardingSharedMemory;
import io.sharedmemory.engine.internal.UnavailableMemory;
import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;
import io.sharedmemory.engine.internal.store.InMemoryStore;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The engine inside OSGi: the {@code SharedMemory} service. Plugins are tracked dynamically (a strategy, provider or
 * sink that comes or goes takes effect on the next operation, without restarting this component) and the settings come
 * from Config Admin (PID {@value #PID}); a valid change applies without a restart, the data kept.
 *
 * <p>Fail closed. A configuration is applied whole or not at all, and no agent ever acts under settings weaker than the
 * ones asked for: with a bad value (one that does not parse or is out of range, or a property this component does not
 * know, such as a misspelt one), one ERROR line names the property and the memory refuses everything until the
 * configuration is fixed — at activation as when it changes while running. Refusing is {@link UnavailableMemory}'s
 * (outcomes, each agent's refusal recorded): writes {@code STORE_UNAVAILABLE} with the reason, reads null, no session
 * opens, and an open {@code AgentSession} that tries to act is revoked. What still works is what no agent does:
 * {@code on(...)} (so that listeners such as the Event Admin bridge are in place when the memory serves again) and the
 * creation or reconfiguration of namespaces by the operator's own declarations ({@code createNamespace(name, config)}),
 * on the engine that holds the data meanwhile (started, at a bad activation, on the configured store with the default
 * settings, which act for no one). When the configuration is fixed, the engine applies it and serves again, its data
 * kept. Deleting the configuration returns the engine to its defaults (a valid change).
 *
 * <p>Values are read from the raw properties, typed (a {@code .config} file, the Config Admin API) or text (a
 * {@code .cfg} file): a boolean is {@code true} or {@code false} and nothing else, a number a whole number, and a key
 * that starts with a byte-order mark (a file saved with one) is read without it.
 *
 * <p>The store: {@code memory}, or the name of a {@code MemoryStore} service; while it is not present every operation
 * is refused; changing it restarts the engine on the new store's data. A store that is present but cannot be opened
 * (a file store's directory held by another process) is opened again after 1 s, then at doubling intervals up to
 * every 30 s, until it opens or the configuration or the store changes; every operation is refused meanwhile. The
 * first failure is logged as an ERROR, a different reason later as a WARNING, the same reason again at DEBUG, and the
 * opening at INFO. So a second process started on the directory of a first takes over, with its data, once the first
 * is gone.
 *
 * <p>The service's lifecycle belongs to the framework: {@link #destroy()} from a client is refused with an explanation;
 * stop the bundle instead.
 */
@Component(service = SharedMemory.class, configurationPid = SharedMemoryComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SharedMemoryComponent.Config.class)
public final class SharedMemoryComponent extends ForwardingSharedMemory {
    /** The configuration PID of the engine. */
    public static final String PID = "io.sharedmemory.engine";

    @ObjectClassDefinition(name = "sharedmemory engine",
            description = "Settings of the shared-memory engine. Changes apply while it runs. With a bad value (or an "
                    + "unknown property) the memory refuses every operation until it is fixed.")
    @interface Config {
        @AttributeDefinition(name = "Access log size",
                description = "How many entries the queryable in-memory access log keeps (oldest dropped first).",
                min = "1")
        int maxLogSize() default SharedMemoryOptions.DEFAULT_MAX_LOG_SIZE;

        @AttributeDefinition(name = "Cleanup interval (ms)",
                description = "How often expired entries are swept, in milliseconds; 0 turns periodic sweeping off.",
                min = "0")
        long cleanupIntervalMillis() default 60_000L;

        @AttributeDefinition(name = "Listener queue capacity",
                description = "Undelivered events a listener may have before it is cut off (new listeners).",
                min = "16")
        int listenerQueueCapacity() default SharedMemoryOptions.DEFAULT_LISTENER_QUEUE_CAPACITY;

        @AttributeDefinition(name = "Require an audit sink",
                description = "Refuse every operation while no audit sink is present, so nothing happens unrecorded. "
                        + "true or false.")
        boolean requireAuditSink() default false;

        @AttributeDefinition(name = "Identity mode",
                description = "trusted: bare agent ids are believed (in-process use). authenticated: only sessions "
                        + "opened with credentials proven by an AgentAuthenticator may act.",
                options = {@Option(label = "trusted", value = "trusted"),
                        @Option(label = "authenticated", value = "authenticated")})
        String identity() default "trusted";

        @AttributeDefinition(name = "Store",
                description = "Where namespaces and entries are kept: memory (this process's heap, lost at stop), "
                        + "or the name of a MemoryStore service (file: durable, in a directory; hazelcast: shared by "
                        + "the members of a cluster). While the named store is not present every operation is refused; "
                        + "changing it restarts the engine on the new store's data.")
        String store() default InMemoryStore.NAME;

        @AttributeDefinition(name = "Delivery spin (µs)",
                description = "How long an idle delivery thread keeps looking for new events before it sleeps, in "
                        + "microseconds (0 to 1000000; default 200). Spinning costs a core while it lasts and spares "
                        + "writers a wake-up per event: worth it for many subscribers of a fast writer, a waste when "
                        + "writes arrive over the network (set 0 then).", min = "0", max = "1000000")
        long deliverySpinMicros() default 200L;
    }

    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    /**
     * In force, above every real authenticator, while the configuration is bad: it proves no credentials and finds
     * every session invalid, so no session acts through the engine then.
     */
    private static final AgentAuthenticator REFUSING = new AgentAuthenticator() {
        @Override
        public Optional<Identity> authenticate(Credentials credentials) {
            return Optional.empty();
        }

        @Override
        public boolean isValid(Identity identity) {
            return false;
        }

        @Override
        public String toString() {
            return "no session while the engine's configuration " + PID + " has a bad value";
        }
    };

    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    /** The MemoryStore services present, by name; the component's lifecycle methods run under this object's lock. */
    private final Map<String, MemoryStore> stores = new java.util.HashMap<>();
    private volatile SharedMemory current;
    /** While the configuration has a bad value: the memory that refuses every agent's operation; else null. */
    private volatile SharedMemory refusing;
    private Engine engine;
    private final CarriedOver carried = new CarriedOver();
    private SharedMemoryOptions options;
    private String storeName = InMemoryStore.NAME;
    /** Opens a store again after a failure; made at the first failure, stopped at deactivation. */
    private ScheduledExecutorService reopener;
    /** Advanced by every start and stop: a scheduled reopening for an older one does nothing. */
    private long starts;
    /** The failures to open the store in a row (0 while none), and the last one's reason. */
    private int failures;
    private String failure;

    @Activate
    synchronized void activate(Map<String, Object> properties) {
        try {
            options = EngineConfiguration.options(properties);
            storeName = EngineConfiguration.storeName(properties);
        } catch (IllegalArgumentException e) {
            // an engine with the defaults holds what the operator's declarations create meanwhile; it acts for no one
            options = SharedMemoryOptions.builder().serviceLoader(false).build();
            storeName = EngineConfiguration.storeNameOrDefault(properties);
            refuse(e.getMessage(), EngineConfiguration.askedIdentity(properties));
            start();
            return;
        }
        start();
        if (engine != null) {
            LOG.log(System.Logger.Level.INFO, "sharedmemory: engine started with " + EngineConfiguration.describe(options)
                    + (properties.containsKey("service.pid") ? " (configuration " + PID + ")"
                            : " (no configuration " + PID + ": the defaults)"));
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        SharedMemoryOptions next;
        String nextStore;
        try {
            next = EngineConfiguration.options(properties);
            nextStore = EngineConfiguration.storeName(properties);
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage(), EngineConfiguration.askedIdentity(properties));
            return;
        }
        options = next;
        if (!nextStore.equals(storeName)) {
            LOG.log(System.Logger.Level.INFO, "sharedmemory: the engine moves from store \"" + storeName
                    + "\" to store \"" + nextStore + "\"");
            stop();
            storeName = nextStore;
            start();
        } else if (engine != null) {
            engine.reconfigure(next);
        } else if (InMemoryStore.NAME.equals(storeName) || stores.containsKey(storeName)) {
            start(); // present but not opened: try at once, with the new settings
        } else {
            current = new UnavailableMemory(absent(storeName), registry, next.identity());
        }
        if (refusing != null) {
            refusing = null;
            registry.removeAuthenticator(REFUSING);
            LOG.log(System.Logger.Level.WARNING, "sharedmemory: configuration " + PID + " fixed; the memory serves "
                    + "again, with its data: " + EngineConfiguration.describe(next));
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
        if (reopener != null) {
            reopener.shutdownNow();
            reopener = null;
        }
    }

    /** The configuration has a bad value: every agent's operation is refused, no session acts, until it is fixed. */
    private void refuse(String why, IdentityMode identity) {
        LOG.log(System.Logger.Level.ERROR, "sharedmemory: configuration " + PID + " has a bad value; the memory "
                + "refuses every operation until it is fixed (its data is kept, no session may act): " + why);
        if (refusing == null) {
            registry.addAuthenticator(REFUSING, Integer.MAX_VALUE, Long.MIN_VALUE, "the engine's configuration");
        }
        refusing = new UnavailableMemory("The sharedmemory engine refuses every operation until its configuration "
                + PID + " is fixed: " + why, registry, identity);
    }

    /** @return whether the memory serves (false: its configuration has a bad value) */
    boolean isServing() {
        return refusing == null;
    }

    /** Starts an engine on the configured store when it is present; otherwise every operation is refused. */
    private void start() {
        MemoryStore store = InMemoryStore.NAME.equals(storeName) ? new InMemoryStore() : stores.get(storeName);
        if (store == null) {
            LOG.log(System.Logger.Level.ERROR, "sharedmemory: " + absent(storeName) + "; every operation is refused "
                    + "until it is");
            current = new UnavailableMemory(absent(storeName), registry, options.identity());
            return;
        }
        long start = ++starts;
        try {
            engine = new Engine(options, registry, store, null);
            carried.engineStarted(engine);
            current = engine;
        } catch (RuntimeException e) {
            // the engine's own exception names the store already
            String why = e instanceof SharedMemoryException ? e.getMessage()
                    : "The store \"" + storeName + "\" could not be opened: " + e;
            current = new UnavailableMemory(why, registry, options.identity());
            long delay = Math.min(MAX_REOPEN_DELAY_MILLIS, FIRST_REOPEN_DELAY_MILLIS << Math.min(failures, 16));
            System.Logger.Level level = failures == 0 ? System.Logger.Level.ERROR
                    : why.equals(failure) ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING;
            failures++;
            failure = why;
            LOG.log(level, "sharedmemory: the engine did not start: " + why + "; every operation is refused until "
                    + "the store can be opened (tried again in " + delay + " ms)");
            reopenLater(start, delay);
            return;
        }
        if (failures > 0) {
            LOG.log(System.Logger.Level.INFO, "sharedmemory: the store \"" + storeName + "\" opened after " + failures
                    + (failures == 1 ? " failure" : " failures") + "; the engine started with "
                    + EngineConfiguration.describe(options));
            failures = 0;
            failure = null;
        }
    }

    private static final long FIRST_REOPEN_DELAY_MILLIS = 1000;
    private static final long MAX_REOPEN_DELAY_MILLIS = 30_000;

    /** Under the lock: opens the store again after the delay, unless another start or a stop came first. */
    private void reopenLater(long start, long delayMillis) {
        if (reopener == null) {
            reopener = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sharedmemory-store-reopen");
                t.setDaemon(true);
                return t;
            });
        }
        reopener.schedule(() -> reopen(start), delayMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void reopen(long start) {
        if (start == starts && engine == null && options != null) {
            start();
        }
    }

    private void stop() {
        starts++;
        failures = 0;
        failure = null;
        Engine e = engine;
        engine = null;
        carried.engineStopping();
        current = new UnavailableMemory("The engine is stopped", registry, options == null
                ? io.sharedmemory.api.IdentityMode.TRUSTED : options.identity());
        if (e != null) {
            e.destroy();
        }
    }

    private static String absent(String store) {
        return "The store \"" + store + "\" is not present (no MemoryStore service of that name)";
    }

    /** A store service arrives: the engine starts on it if it is the one configured and none runs yet. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addStore(MemoryStore store, Map<String, Object> props) {
        String name = props.get(MemoryStore.NAME_PROPERTY) instanceof String n ? n : store.name();
        stores.put(name, store);
        if (options != null && engine == null && name.equals(storeName)) {
            LOG.log(System.Logger.Level.INFO, "sharedmemory: the store \"" + name + "\" is present; the engine starts");
            start();
        }
    }

    /** The store in use goes: the engine stops (its data stays in the store) and every operation is refused. */
    synchronized void removeStore(MemoryStore store, Map<String, Object> props) {
        stores.values().remove(store);
        if (engine != null && !InMemoryStore.NAME.equals(storeName) && !stores.containsKey(storeName)) {
            LOG.log(System.Logger.Level.WARNING, "sharedmemory: the store \"" + storeName + "\" went away; the engine "
                    + "stops and every operation is refused until it is back");
            stop();
            current = new UnavailableMemory(absent(storeName), registry, options.identity());
        }
    }

    @Override
    protected SharedMemory delegate() {
        SharedMemory r = refusing;
        return r != null ? r : current;
    }

    // What no agent does goes through while the configuration is bad: see the class comment.

    @Override
    public void createNamespace(String name) {
        createNamespace(name, NamespaceConfig.defaults());
    }

    /** The operator's declaration: applied to this engine and to every engine that replaces it. */
    @Override
    public synchronized void createNamespace(String name, NamespaceConfig config) {
        carried.declare(name, config, engine);
    }

    /** A listener that stays registered when the engine is replaced (the store came, went or changed). */
    @Override
    public synchronized Registration on(EventType type, Consumer<MemoryEvent> listener) {
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(listener, "listener");
        return carried.listen(type, listener, engine);
    }

    @Override
    public void destroy() {
        throw new UnsupportedOperationException("The SharedMemory service belongs to the OSGi framework: stop or "
                + "update the io.sharedmemory.engine bundle instead of destroying the service");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addStrategy(ConflictStrategy strategy, Map<String, Object> props) {
        Object name = props.get(ConflictStrategy.NAME_PROPERTY);
        String resolved;
        if (name instanceof String s && !s.isBlank()) {
            resolved = s;
        } else {
            try {
                resolved = strategy.name();
            } catch (RuntimeException e) {
                resolved = null;
            }
        }
        registry.addStrategy(strategy, resolved, ranking(props), id(props), origin(props));
    }

    void removeStrategy(ConflictStrategy strategy) {
        registry.removeStrategy(strategy);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPermissionProvider(PermissionProvider provider, Map<String, Object> props) {
        registry.addPermissionProvider(provider, ranking(props), id(props), origin(props));
    }

    void removePermissionProvider(PermissionProvider provider) {
        registry.removePermissionProvider(provider);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAuditSink(AuditSink sink, Map<String, Object> props) {
        registry.addAuditSink(sink, ranking(props), id(props), origin(props));
    }

    void removeAuditSink(AuditSink sink) {
        registry.removeAuditSink(sink);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addAuthenticator(AgentAuthenticator authenticator, Map<String, Object> props) {
        registry.addAuthenticator(authenticator, ranking(props), id(props), origin(props));
    }

    void removeAuthenticator(AgentAuthenticator authenticator) {
        registry.removeAuthenticator(authenticator);
    }

    /** @return one line per tracked plugin: kind, name, ranking, class and bundle, for operators */
    public List<String> describePlugins() {
        return registry.describe();
    }

    private static int ranking(Map<String, Object> props) {
        return props.get("service.ranking") instanceof Integer i ? i : 0;
    }

    private static long id(Map<String, Object> props) {
        return props.get("service.id") instanceof Long l ? l : Long.MAX_VALUE;
    }

    private static String origin(Map<String, Object> props) {
        Object bundle = props.get("service.bundleid");
        return bundle == null ? "service " + props.get("service.id") : "bundle " + bundle;
    }
}
