package io.sharedmemory.remote.http.internal.osgi;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.PluginCatalog;
import io.sharedmemory.remote.http.PluginInfo;
import io.sharedmemory.remote.http.PluginInfo.Kind;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The plugins of the service registry, read at each request (nothing to keep in step): every service of each plugin
 * interface, best first by the engine's rule (highest {@code service.ranking}, then lowest {@code service.id}), marked
 * in use as the engine uses them — the best strategy of each name, the best permission provider and authenticator,
 * every audit sink — and the stores: the engine's built-in {@code memory} store and each {@code MemoryStore} service,
 * the one in use being the store the memory reports in its statistics. Only the store in use is asked for its
 * capabilities (it is running already); asking another could start it.
 */
final class OsgiPluginCatalog implements PluginCatalog {
    /** The engine's built-in store, which is not a service. */
    static final String BUILT_IN_STORE = "memory";

    private final BundleContext context;
    private final SharedMemory memory;

    OsgiPluginCatalog(BundleContext context, SharedMemory memory) {
        this.context = context;
        this.memory = memory;
    }

    @Override
    public List<PluginInfo> plugins() {
        List<PluginInfo> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ServiceReference<ConflictStrategy> r : best(ConflictStrategy.class)) {
            String name = strategyName(r);
            out.add(info(Kind.STRATEGY, name, r, name != null && names.add(name), Set.of()));
        }
        boolean first = true;
        for (ServiceReference<PermissionProvider> r : best(PermissionProvider.class)) {
            out.add(info(Kind.PERMISSION_PROVIDER, null, r, first, Set.of()));
            first = false;
        }
        for (ServiceReference<AuditSink> r : best(AuditSink.class)) {
            out.add(info(Kind.AUDIT_SINK, null, r, true, Set.of()));
        }
        first = true;
        for (ServiceReference<AgentAuthenticator> r : best(AgentAuthenticator.class)) {
            out.add(info(Kind.AUTHENTICATOR, null, r, first, Set.of()));
            first = false;
        }
        stores(out);
        return out;
    }

    private void stores(List<PluginInfo> out) {
        String inUse;
        try {
            inUse = memory.getStats().store().get("store");
        } catch (RuntimeException e) {
            inUse = null; // the memory is stopping
        }
        ServiceReference<SharedMemory> engineService = context.getServiceReference(SharedMemory.class);
        Bundle engine = engineService == null ? null : engineService.getBundle();
        out.add(new PluginInfo(Kind.STORE, BUILT_IN_STORE, 0, -1, engine == null ? null : engine.getSymbolicName(),
                engine == null ? null : engine.getVersion().toString(), engine == null ? -1 : engine.getBundleId(),
                "built into the engine", BUILT_IN_STORE.equals(inUse), BUILT_IN_STORE.equals(inUse) ? Set.of() : null));
        Set<String> names = new HashSet<>();
        for (ServiceReference<MemoryStore> r : best(MemoryStore.class)) {
            Object n = r.getProperty(MemoryStore.NAME_PROPERTY);
            String name = n instanceof String s ? s : null;
            boolean used = name != null && name.equals(inUse) && names.add(name);
            out.add(info(Kind.STORE, name, r, used, used ? capabilities(r) : null));
        }
    }

    private Set<String> capabilities(ServiceReference<MemoryStore> r) {
        MemoryStore store = context.getService(r);
        if (store == null) {
            return null;
        }
        try {
            Set<String> out = new TreeSet<>();
            for (StoreCapability c : store.capabilities()) {
                out.add(c.name());
            }
            return out;
        } catch (RuntimeException e) {
            return null;
        } finally {
            context.ungetService(r);
        }
    }

    private String strategyName(ServiceReference<ConflictStrategy> r) {
        if (r.getProperty(ConflictStrategy.NAME_PROPERTY) instanceof String s && !s.isBlank()) {
            return s;
        }
        ConflictStrategy s = context.getService(r); // no name property: the engine asks the strategy
        if (s == null) {
            return null;
        }
        try {
            return s.name();
        } catch (RuntimeException e) {
            return null;
        } finally {
            context.ungetService(r);
        }
    }

    private <S> List<ServiceReference<S>> best(Class<S> type) {
        List<ServiceReference<S>> refs;
        try {
            refs = new ArrayList<>(context.getServiceReferences(type, null));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IllegalStateException stopping) {
            return List.of();
        }
        // ServiceReference.compareTo orders by ranking, then by id reversed: the engine's rule, best last
        refs.sort(Comparator.<ServiceReference<S>>naturalOrder().reversed());
        return refs;
    }

    private static PluginInfo info(Kind kind, String name, ServiceReference<?> r, boolean inUse,
                                   Set<String> capabilities) {
        Bundle b = r.getBundle();
        Object ranking = r.getProperty(Constants.SERVICE_RANKING);
        Object id = r.getProperty(Constants.SERVICE_ID);
        Object component = r.getProperty("component.name");
        if (component == null) {
            component = r.getProperty(Constants.SERVICE_DESCRIPTION);
        }
        return new PluginInfo(kind, name, ranking instanceof Integer i ? i : 0, id instanceof Long l ? l : -1,
                b == null ? null : b.getSymbolicName(), b == null ? null : b.getVersion().toString(),
                b == null ? -1 : b.getBundleId(), component == null ? null : component.toString(), inUse,
                capabilities);
    }
}
