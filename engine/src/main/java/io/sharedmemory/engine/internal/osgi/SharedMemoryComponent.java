package io.sharedmemory.engine.internal.osgi;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.engine.internal.Engine;
import io.sharedmemory.engine.internal.ForwardingSharedMemory;
import io.sharedmemory.engine.internal.RankedPluginRegistry;
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
    }

    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final RankedPluginRegistry registry = new RankedPluginRegistry();
    private volatile Engine engine;

    @Activate
    void activate(Config config) {
        engine = new Engine(options(config), registry, null);
    }

    @Modified
    void modified(Config config) {
        SharedMemoryOptions options;
        try {
            options = options(config);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "sharedmemory: configuration " + PID
                    + " not applied, the engine keeps its settings: " + e.getMessage());
            return;
        }
        engine.reconfigure(options);
    }

    @Deactivate
    void deactivate() {
        engine.destroy();
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
        return engine;
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
