package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.internal.plugins.RankedPluginRegistry;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.spi.SharedMemoryProvider;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The engine as {@link SharedMemory#create(SharedMemoryOptions)} finds it outside OSGi. Each memory gets its own plugin
 * instances: the ones given in the options (ranked first, in the order given) and fresh ones from
 * {@link ServiceLoader}. Plugins it created that are {@link AutoCloseable} are closed when the memory is destroyed.
 */
public final class EngineProvider implements SharedMemoryProvider {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    private static final int EXPLICIT_RANKING = 1_000_000;

    @Override
    public SharedMemory create(SharedMemoryOptions options) {
        RankedPluginRegistry registry = new RankedPluginRegistry();
        long id = 0;
        for (Object plugin : options.plugins()) {
            add(registry, plugin, EXPLICIT_RANKING, id++, "explicit");
        }
        List<AutoCloseable> owned = new ArrayList<>();
        if (options.serviceLoader()) {
            Set<Class<?>> seen = new HashSet<>();
            for (Class<?> kind : List.of(ConflictStrategy.class, PermissionProvider.class, AuditSink.class,
                    AgentAuthenticator.class)) {
                for (Object plugin : load(kind)) {
                    if (!seen.add(plugin.getClass())) {
                        continue;
                    }
                    int ranking = plugin instanceof PermissionProvider pp ? pp.ranking() : 0;
                    add(registry, plugin, ranking, id++, "ServiceLoader");
                    if (plugin instanceof AutoCloseable c) {
                        owned.add(c);
                    }
                }
            }
        }
        return new Engine(options, registry, () -> owned.forEach(EngineProvider::closeQuietly));
    }

    private static List<Object> load(Class<?> kind) {
        List<Object> found = new ArrayList<>();
        Set<Class<?>> classes = new HashSet<>();
        ClassLoader own = EngineProvider.class.getClassLoader();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : context == null || context == own ? List.of(own) : List.of(own, context)) {
            try {
                for (Object p : ServiceLoader.load(kind, loader)) {
                    if (classes.add(p.getClass())) {
                        found.add(p);
                    }
                }
            } catch (ServiceConfigurationError e) {
                LOG.log(Level.ERROR, "a " + kind.getSimpleName() + " plugin could not be loaded; it is left out", e);
            }
        }
        return found;
    }

    private static void add(RankedPluginRegistry registry, Object plugin, int ranking, long id, String origin) {
        if (plugin instanceof ConflictStrategy s) {
            String name;
            try {
                name = s.name();
            } catch (RuntimeException e) {
                name = null;
            }
            registry.addStrategy(s, name, ranking, id, origin);
        }
        if (plugin instanceof PermissionProvider p) {
            registry.addPermissionProvider(p, ranking, id, origin);
        }
        if (plugin instanceof AuditSink a) {
            registry.addAuditSink(a, ranking, id, origin);
        }
        if (plugin instanceof AgentAuthenticator a) {
            registry.addAuthenticator(a, ranking, id, origin);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "closing plugin " + c.getClass().getName() + " failed", e);
        }
    }
}
