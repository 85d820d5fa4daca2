package io.sharedmemory.engine.internal.osgi;

import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.SharedMemory;
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
import java.util.Map;
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
 * from Config Admin (PID {@value #PID}); a change applies without restart. A changed configuration with a bad value
 * is refused as a whole with one log line naming the property, and the engine keeps its settings; at activation a bad
 * value keeps the engine from starting (falling back to defaults could silently drop {@code requireAuditSink} or
 * {@code identity=authenticated}).
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
            description = "Settings of the shared-memory engine. Changes apply while it runs.")
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
                description = "Refuse every operation while no audit sink is present, so nothing happens unrecorded.")
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
    }

    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    /** The MemoryStore services present, by name; the component's lifecycle methods run under this object's lock. */
    private final Map<String, MemoryStore> stores = new java.util.HashMap<>();
    /**
     * The namespaces the application declared ({@code createNamespace(name[, config])}: inside OSGi, the config
     * bundle's {@code conf/} declarations), in order, so that they apply to every engine this component starts — the
     * engine moves to another store when the {@code store} setting changes or the store's service arrives after the
     * declarations (a cluster member joins after Config Admin delivered the namespaces' configurations).
     */
    private final Map<String, NamespaceConfig> declared = new java.util.LinkedHashMap<>();
    private volatile SharedMemory current;
    private Engine engine;
    private SharedMemoryOptions options;
    private String storeName = InMemoryStore.NAME;

    @Activate
    synchronized void activate(Config config) {
        options = options(config);
        storeName = storeName(config);
        start();
    }

    @Modified
    synchronized void modified(Config config) {
        SharedMemoryOptions next;
        String nextStore;
        try {
            next = options(config);
            nextStore = storeName(config);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "sharedmemory: configuration " + PID
                    + " not applied, the engine keeps its settings: " + e.getMessage());
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
        } else {
            current = new UnavailableMemory(absent(storeName), registry, next.identity());
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
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
        try {
            engine = new Engine(options, registry, store, null);
            current = engine;
            redeclare(engine);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sharedmemory: the engine did not start: " + e.getMessage()
                    + "; every operation is refused until the store can be opened");
            current = new UnavailableMemory("The store \"" + storeName + "\" could not be opened: " + e.getMessage(),
                    registry, options.identity());
        }
    }

    /** On a new engine: the namespaces declared so far, created or reconfigured (their entries are kept). */
    private void redeclare(Engine e) {
        Map<String, NamespaceConfig> all;
        synchronized (declared) {
            all = new java.util.LinkedHashMap<>(declared);
        }
        for (Map.Entry<String, NamespaceConfig> d : all.entrySet()) {
            try {
                e.createNamespace(d.getKey(), d.getValue());
                LOG.log(System.Logger.Level.INFO, "sharedmemory: namespace " + d.getKey() + " declared again on "
                        + "store \"" + storeName + "\"");
            } catch (RuntimeException failed) {
                LOG.log(System.Logger.Level.ERROR, "sharedmemory: namespace " + d.getKey() + " could not be declared "
                        + "on store \"" + storeName + "\": " + failed.getMessage());
            }
        }
    }

    @Override
    public void createNamespace(String name) {
        createNamespace(name, NamespaceConfig.defaults());
    }

    /**
     * Creates or reconfigures the namespace on the running engine, and remembers the declaration for the engines this
     * component starts later; while no engine runs (its store is absent) the call is refused as every operation is,
     * and the declaration applies once the store is there.
     */
    @Override
    public void createNamespace(String name, NamespaceConfig config) {
        SharedMemory target = current;
        try {
            target.createNamespace(name, config);
        } catch (RuntimeException e) {
            if (target instanceof UnavailableMemory && name != null && config != null) {
                synchronized (this) {
                    remember(name, config);
                    Engine started = engine;
                    if (started != null) {
                        // an engine started meanwhile, after it re-declared what it knew: this one goes to it now
                        started.createNamespace(name, config);
                        return;
                    }
                }
            }
            throw e;
        }
        remember(name, config);
    }

    private void remember(String name, NamespaceConfig config) {
        synchronized (declared) {
            declared.remove(name);
            declared.put(name, config);
        }
    }

    private void stop() {
        Engine e = engine;
        engine = null;
        current = new UnavailableMemory("The engine is stopped", registry, options == null
                ? io.sharedmemory.api.IdentityMode.TRUSTED : options.identity());
        if (e != null) {
            e.destroy();
        }
    }

    private static String absent(String store) {
        return "The store \"" + store + "\" is not present (no MemoryStore service of that name)";
    }

    private static String storeName(Config config) {
        String name = config.store() == null ? "" : config.store().strip();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("store: empty (memory, file, hazelcast or another store's name)");
        }
        return name;
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

    /** @throws IllegalArgumentException naming the property at fault */
    static SharedMemoryOptions options(Config c) {
        SharedMemoryOptions.Builder b = SharedMemoryOptions.builder().serviceLoader(false);
        setting("maxLogSize", () -> b.maxLogSize(c.maxLogSize()));
        setting("cleanupIntervalMillis", () -> b.cleanupInterval(Duration.ofMillis(c.cleanupIntervalMillis())));
        setting("listenerQueueCapacity", () -> b.listenerQueueCapacity(c.listenerQueueCapacity()));
        setting("requireAuditSink", () -> b.requireAuditSink(c.requireAuditSink()));
        setting("identity", () -> b.identity(IdentityMode.parse(c.identity())));
        return b.build();
    }

    /**
     * SCR converts a property only when it is read, and reports a value it cannot convert as a ComponentException
     * whose message is the NumberFormatException's {@code toString()}.
     */
    private static void setting(String property, Runnable apply) {
        try {
            apply.run();
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            String notANumber = NumberFormatException.class.getName() + ": ";
            if (why.startsWith(notANumber)) {
                why = "not a number (" + why.substring(notANumber.length()) + ")";
            }
            throw new IllegalArgumentException(why.startsWith(property + " ") ? why : property + ": " + why, e);
        }
    }

    @Override
    protected SharedMemory delegate() {
        return current;
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
    public java.util.List<String> describePlugins() {
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
