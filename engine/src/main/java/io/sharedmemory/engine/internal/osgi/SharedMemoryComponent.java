package io.sharedmemory.engine.internal.osgi;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Registration;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * is refused; changing it restarts the engine on the new store's data.
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
    }

    static final String MAX_LOG_SIZE = "maxLogSize";
    static final String CLEANUP_INTERVAL_MILLIS = "cleanupIntervalMillis";
    static final String LISTENER_QUEUE_CAPACITY = "listenerQueueCapacity";
    static final String REQUIRE_AUDIT_SINK = "requireAuditSink";
    static final String IDENTITY = "identity";
    static final String STORE = "store";
    private static final Set<String> KNOWN = Set.of(MAX_LOG_SIZE, CLEANUP_INTERVAL_MILLIS, LISTENER_QUEUE_CAPACITY,
            REQUIRE_AUDIT_SINK, IDENTITY, STORE);
    /** Properties that Config Admin, DS, FileInstall or Karaf add to every configuration. */
    private static final List<String> FRAMEWORK_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "org.apache.", "karaf.", ".");

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
    private SharedMemoryOptions options;
    private String storeName = InMemoryStore.NAME;

    @Activate
    synchronized void activate(Map<String, Object> properties) {
        try {
            options = options(properties);
            storeName = storeName(properties);
        } catch (IllegalArgumentException e) {
            // an engine with the defaults holds what the operator's declarations create meanwhile; it acts for no one
            options = SharedMemoryOptions.builder().serviceLoader(false).build();
            storeName = storeNameOrDefault(properties);
            refuse(e.getMessage(), askedIdentity(properties));
            start();
            return;
        }
        start();
        if (engine != null) {
            LOG.log(System.Logger.Level.INFO, "sharedmemory: engine started with " + describe(options)
                    + (properties.containsKey("service.pid") ? " (configuration " + PID + ")"
                            : " (no configuration " + PID + ": the defaults)"));
        }
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        SharedMemoryOptions next;
        String nextStore;
        try {
            next = options(properties);
            nextStore = storeName(properties);
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage(), askedIdentity(properties));
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
        if (refusing != null) {
            refusing = null;
            registry.removeAuthenticator(REFUSING);
            LOG.log(System.Logger.Level.WARNING, "sharedmemory: configuration " + PID + " fixed; the memory serves "
                    + "again, with its data: " + describe(next));
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
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
        try {
            engine = new Engine(options, registry, store, null);
            current = engine;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sharedmemory: the engine did not start: " + e.getMessage()
                    + "; every operation is refused until the store can be opened");
            current = new UnavailableMemory("The store \"" + storeName + "\" could not be opened: " + e.getMessage(),
                    registry, options.identity());
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

    private static String storeName(Map<String, Object> properties) {
        String name = text(normalized(properties), STORE, InMemoryStore.NAME);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("store: empty (memory, file, hazelcast or another store's name)");
        }
        return name;
    }

    /** The store a configuration with a bad value names, if it names one well; else the default. */
    private static String storeNameOrDefault(Map<String, Object> properties) {
        try {
            return storeName(properties);
        } catch (IllegalArgumentException e) {
            return InMemoryStore.NAME;
        }
    }

    /** The identity mode a configuration with a bad value asks for, if it says; else the stricter one. */
    private static IdentityMode askedIdentity(Map<String, Object> properties) {
        try {
            Map<String, Object> p = normalized(properties);
            return p.containsKey(IDENTITY) ? IdentityMode.parse(text(p, IDENTITY, "trusted"))
                    : IdentityMode.AUTHENTICATED;
        } catch (IllegalArgumentException e) {
            return IdentityMode.AUTHENTICATED;
        }
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

    private static String describe(SharedMemoryOptions o) {
        return "identity " + o.identity().name().toLowerCase(Locale.ROOT) + ", requireAuditSink "
                + o.requireAuditSink() + ", maxLogSize " + o.maxLogSize() + ", cleanupIntervalMillis "
                + o.cleanupInterval().toMillis() + ", listenerQueueCapacity " + o.listenerQueueCapacity();
    }

    /**
     * Reads the configuration's raw properties, whole or not at all.
     *
     * @param properties the component's properties (its configuration's, and the framework's own)
     * @return the options they set, the defaults for what they leave out
     * @throws IllegalArgumentException naming the property at fault
     */
    static SharedMemoryOptions options(Map<String, Object> properties) {
        Map<String, Object> p = normalized(properties);
        SharedMemoryOptions.Builder b = SharedMemoryOptions.builder().serviceLoader(false);
        setting(MAX_LOG_SIZE, () -> b.maxLogSize(intValue(p, MAX_LOG_SIZE, SharedMemoryOptions.DEFAULT_MAX_LOG_SIZE)));
        setting(CLEANUP_INTERVAL_MILLIS, () -> b.cleanupInterval(Duration.ofMillis(longValue(p,
                CLEANUP_INTERVAL_MILLIS, SharedMemoryOptions.DEFAULT_CLEANUP_INTERVAL.toMillis()))));
        setting(LISTENER_QUEUE_CAPACITY, () -> b.listenerQueueCapacity(intValue(p, LISTENER_QUEUE_CAPACITY,
                SharedMemoryOptions.DEFAULT_LISTENER_QUEUE_CAPACITY)));
        setting(REQUIRE_AUDIT_SINK, () -> b.requireAuditSink(booleanValue(p, REQUIRE_AUDIT_SINK)));
        setting(IDENTITY, () -> b.identity(IdentityMode.parse(text(p, IDENTITY, "trusted"))));
        return b.build();
    }

    /**
     * @return the properties with their keys as written (no byte-order mark)
     * @throws IllegalArgumentException naming a property this component does not know
     */
    private static Map<String, Object> normalized(Map<String, Object> properties) {
        Map<String, Object> p = new TreeMap<>();
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            String key = withoutByteOrderMark(e.getKey());
            if (!KNOWN.contains(key) && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)) {
                throw new IllegalArgumentException("unknown property \"" + key + "\"" + closest(key)
                        + " (known: " + String.join(", ", new java.util.TreeSet<>(KNOWN)) + ")");
            }
            p.put(key, e.getValue());
        }
        return p;
    }

    /** A file saved with a UTF-8 byte-order mark puts it before the first key: U+FEFF, or its bytes read as Latin-1. */
    static String withoutByteOrderMark(String key) {
        if (key.startsWith("\uFEFF")) {
            return key.substring(1);
        }
        return key.startsWith("\u00EF\u00BB\u00BF") ? key.substring(3) : key;
    }

    private static String closest(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String k : KNOWN) {
            if (distance(lower, k.toLowerCase(Locale.ROOT)) <= 2) {
                return " (did you mean " + k + "?)";
            }
        }
        return "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Object single(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (v != null && v.getClass().isArray()) {
            if (java.lang.reflect.Array.getLength(v) != 1) {
                throw new IllegalArgumentException("one value expected");
            }
            v = java.lang.reflect.Array.get(v, 0);
        } else if (v instanceof java.util.Collection<?> c) {
            if (c.size() != 1) {
                throw new IllegalArgumentException("one value expected");
            }
            v = c.iterator().next();
        }
        return v;
    }

    private static String text(Map<String, Object> p, String key, String absent) {
        Object v = single(p, key);
        return v == null ? absent : v.toString().strip();
    }

    private static long longValue(Map<String, Object> p, String key, long absent) {
        Object v = single(p, key);
        if (v == null) {
            return absent;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        try {
            return Long.parseLong(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + v + "\" is not a whole number");
        }
    }

    private static int intValue(Map<String, Object> p, String key, int absent) {
        long n = longValue(p, key, absent);
        if (n != (int) n) {
            throw new IllegalArgumentException(n + " is too large");
        }
        return (int) n;
    }

    private static boolean booleanValue(Map<String, Object> p, String key) {
        Object v = single(p, key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String t = v.toString().strip();
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(t);
        }
        throw new IllegalArgumentException("\"" + v + "\" is not true or false");
    }

    private static void setting(String property, Runnable apply) {
        try {
            apply.run();
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(why.startsWith(property + " ") ? why : property + ": " + why, e);
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
        current.createNamespace(name);
    }

    @Override
    public void createNamespace(String name, NamespaceConfig config) {
        current.createNamespace(name, config);
    }

    @Override
    public Registration on(EventType type, Consumer<MemoryEvent> listener) {
        return current.on(type, listener);
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
