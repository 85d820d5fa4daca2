package io.sharedmemory.engine.internal.plugins;

import io.sharedmemory.spi.AccessLog;
import io.sharedmemory.spi.AgentAuthenticator;
import io.sharedmemory.spi.AuditSink;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.PermissionProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link PluginRegistry} that plugins are added to and removed from, each with a ranking and an id (OSGi's
 * {@code service.ranking} and {@code service.id}, or the order of discovery). The highest ranking wins, ties go to the
 * lowest id.
 *
 * <p>Invariant: {@link #plugins()} always returns a snapshot built from the complete state after some change (changes
 * are serialized by this object's monitor; readers never lock).
 */
public final class RankedPluginRegistry implements PluginRegistry {
    private static final Comparator<Ranked<?>> ORDER =
            Comparator.<Ranked<?>>comparingInt(r -> r.ranking).reversed().thenComparingLong(r -> r.id);

    private record Ranked<T>(T plugin, String name, int ranking, long id, String origin) {
    }

    private final List<Ranked<ConflictStrategy>> strategies = new ArrayList<>();
    private final List<Ranked<PermissionProvider>> providers = new ArrayList<>();
    private final List<Ranked<AuditSink>> sinks = new ArrayList<>();
    private final List<Ranked<AgentAuthenticator>> authenticators = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile PluginSet current = PluginSet.EMPTY;

    @Override
    public PluginSet plugins() {
        return current;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * @param strategy the strategy
     * @param name its name (the service property, else {@link ConflictStrategy#name()})
     * @param ranking its ranking
     * @param id its id (lower wins ties)
     * @param origin where it comes from, for operators
     */
    public void addStrategy(ConflictStrategy strategy, String name, int ranking, long id, String origin) {
        if (name == null || name.isBlank()) {
            System.getLogger("io.sharedmemory.engine").log(System.Logger.Level.ERROR,
                    "conflict strategy {0} from {1} has no name (service property " + ConflictStrategy.NAME_PROPERTY
                            + " or name()); it is ignored", strategy.getClass().getName(), origin);
            return;
        }
        synchronized (this) {
            strategies.add(new Ranked<>(strategy, name, ranking, id, origin));
            rebuild();
        }
        fire();
    }

    public void removeStrategy(ConflictStrategy strategy) {
        synchronized (this) {
            strategies.removeIf(r -> r.plugin == strategy);
            rebuild();
        }
        fire();
    }

    public void addPermissionProvider(PermissionProvider provider, int ranking, long id, String origin) {
        synchronized (this) {
            providers.add(new Ranked<>(provider, null, ranking, id, origin));
            rebuild();
        }
        fire();
    }

    public void removePermissionProvider(PermissionProvider provider) {
        synchronized (this) {
            providers.removeIf(r -> r.plugin == provider);
            rebuild();
        }
        fire();
    }

    public void addAuditSink(AuditSink sink, int ranking, long id, String origin) {
        synchronized (this) {
            sinks.add(new Ranked<>(sink, null, ranking, id, origin));
            rebuild();
        }
        fire();
    }

    public void removeAuditSink(AuditSink sink) {
        synchronized (this) {
            sinks.removeIf(r -> r.plugin == sink);
            rebuild();
        }
        fire();
    }

    public void addAuthenticator(AgentAuthenticator authenticator, int ranking, long id, String origin) {
        synchronized (this) {
            authenticators.add(new Ranked<>(authenticator, null, ranking, id, origin));
            rebuild();
        }
        fire();
    }

    public void removeAuthenticator(AgentAuthenticator authenticator) {
        synchronized (this) {
            authenticators.removeIf(r -> r.plugin == authenticator);
            rebuild();
        }
        fire();
    }

    private void rebuild() {
        List<Ranked<ConflictStrategy>> sortedStrategies = new ArrayList<>(strategies);
        sortedStrategies.sort(ORDER);
        Map<String, ConflictStrategy> byName = new HashMap<>();
        Map<String, String> origins = new HashMap<>();
        for (Ranked<ConflictStrategy> r : sortedStrategies) {
            if (byName.putIfAbsent(r.name, r.plugin) == null) {
                origins.put(r.name, r.origin);
            }
        }
        List<Ranked<PermissionProvider>> sortedProviders = new ArrayList<>(providers);
        sortedProviders.sort(ORDER);
        List<Ranked<AuditSink>> sortedSinks = new ArrayList<>(sinks);
        sortedSinks.sort(ORDER);
        AccessLog log = null;
        AuditSink[] sinkArray = new AuditSink[sortedSinks.size()];
        for (int i = 0; i < sinkArray.length; i++) {
            sinkArray[i] = sortedSinks.get(i).plugin;
            if (log == null && sinkArray[i] instanceof AccessLog a) {
                log = a;
            }
        }
        List<Ranked<AgentAuthenticator>> sortedAuthenticators = new ArrayList<>(authenticators);
        sortedAuthenticators.sort(ORDER);
        current = new PluginSet(byName, origins,
                sortedProviders.isEmpty() ? null : sortedProviders.get(0).plugin, sinkArray, log,
                sortedAuthenticators.isEmpty() ? null : sortedAuthenticators.get(0).plugin);
    }

    private void fire() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** @return a description of every registered plugin, for operators and diagnostics */
    public synchronized List<String> describe() {
        List<String> out = new ArrayList<>();
        strategies.stream().sorted(ORDER).forEach(r -> out.add("strategy " + r.name + " ranking=" + r.ranking
                + " " + r.plugin.getClass().getName() + " from " + r.origin));
        providers.stream().sorted(ORDER).forEach(r -> out.add("permission-provider ranking=" + r.ranking + " "
                + r.plugin.getClass().getName() + " from " + r.origin));
        sinks.stream().sorted(ORDER).forEach(r -> out.add("audit-sink ranking=" + r.ranking + " "
                + r.plugin.getClass().getName() + " from " + r.origin));
        authenticators.stream().sorted(ORDER).forEach(r -> out.add("authenticator ranking=" + r.ranking + " "
                + r.plugin.getClass().getName() + " from " + r.origin));
        return out;
    }
}
