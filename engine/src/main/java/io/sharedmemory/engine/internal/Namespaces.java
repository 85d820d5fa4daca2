package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The namespaces' lifecycle: recovery from the store at start, creation (by the application, or by an agent who then
 * administers it), reconfiguration, deletion, and the end of all of them when the memory is destroyed. Creation and
 * deletion take one lifecycle lock, so the namespace map and the store agree about which namespaces exist;
 * reconfiguration and deletion also take the namespace's exclusive gate. With a store shared by other processes the
 * namespaces also follow what the store reports from elsewhere ({@link #follow}, {@link #forget}), under the same
 * locks, and a change made here returns once the other processes applied it.
 */
final class Namespaces {
    private final Core core;
    private final Subscriptions subscriptions;
    private final Object lifecycle = new Object();

    Namespaces(Core core, Subscriptions subscriptions) {
        this.core = core;
        this.subscriptions = subscriptions;
    }

    /** At start: the namespaces the store held, with the deadline bound of their entries. */
    void recover(Map<String, NamespaceConfig> held) {
        for (Map.Entry<String, NamespaceConfig> e : held.entrySet()) {
            Namespace ns = new Namespace(e.getKey(), e.getValue(), core.store.entries(e.getKey()));
            long[] earliest = {Long.MAX_VALUE};
            ns.table.forEach((k, entry) -> earliest[0] = Math.min(earliest[0], entry.expiresAtMillis()));
            if (earliest[0] != MemoryEntry.NO_EXPIRY) {
                ns.noteDeadline(earliest[0]);
            }
            core.namespaces.put(ns.name, ns);
        }
    }

    /** The application creates or reconfigures a namespace; not an agent's access, so not recorded (unless refused). */
    void create(String name, NamespaceConfig config) {
        long nanos = System.nanoTime();
        long now = core.millisAt(nanos);
        PluginSet p = core.plugins();
        String err = Names.checkNamespace(name);
        if (err != null) {
            core.audit.record(p, nanos, now, SharedMemory.SYSTEM_AGENT, AccessAction.CREATE_NAMESPACE, name, null,
                    false, err);
            throw new InvalidInputException(err);
        }
        Objects.requireNonNull(config, "config");
        core.requireAlive();
        core.requireAudit(p);
        synchronized (lifecycle) {
            core.requireAlive();
            Namespace existing = core.namespaces.get(name);
            if (existing == null) {
                existing = add(name, config);
            }
            if (existing != null) {
                reconfigure(p, existing, config);
            }
        }
        awaitOthers(name);
        core.hub.publish(EventType.NAMESPACE_CREATED, name, null, SharedMemory.SYSTEM_AGENT, null, null, now);
    }

    /**
     * An agent creates a namespace (becoming its admin) or reconfigures one it administers.
     *
     * @return true when created
     */
    boolean createAsAgent(Operation op, NamespaceConfig config) {
        if (op.bareRefused()) {
            throw new AccessDeniedException(Operation.SESSION_REQUIRED_TEXT);
        }
        String name = op.namespace;
        String err = Core.firstError(Names.checkNamespace(name), core.checkAgent(op.agentId));
        if (err != null) {
            op.refuse(err);
            throw new InvalidInputException(err);
        }
        Objects.requireNonNull(config, "config");
        core.requireAlive();
        core.requireAudit(op.plugins);
        NamespaceConfig withAdmin = config.permissions().containsKey(op.agentId) ? config
                : config.toBuilder().permission(op.agentId, Permission.ADMIN).build();
        boolean created;
        synchronized (lifecycle) {
            core.requireAlive();
            Namespace existing = core.namespaces.get(name);
            if (existing == null) {
                existing = add(name, withAdmin);
            }
            if (existing == null) {
                created = true;
            } else {
                long stamp = existing.gate.writeLock();
                try {
                    // under the gate, as every administrative check: a revoke that returned is in force here
                    if (!op.permission(existing).implies(Permission.ADMIN)) {
                        op.refuse(Entries.DENIED_TEXT);
                        throw new AccessDeniedException(Entries.DENIED_TEXT + ": agent \"" + op.agentId
                                + "\" may not reconfigure namespace \"" + name + "\" (it needs admin)");
                    }
                    configure(op.plugins, existing, withAdmin);
                } finally {
                    existing.gate.unlockWrite(stamp);
                }
                created = false;
            }
        }
        awaitOthers(name);
        op.succeed();
        core.hub.publish(EventType.NAMESPACE_CREATED, name, null, op.agentId, null, null, op.now);
        return created;
    }

    /**
     * Under the lifecycle lock: a new namespace, in the store first.
     *
     * @return null when added; the namespace of that name that another process created first in a shared store (the
     *         store reported it from inside {@code addNamespace}), which the caller then reconfigures as any existing one
     */
    private Namespace add(String name, NamespaceConfig config) {
        try {
            if (!core.store.addNamespace(name, config)) {
                Namespace adopted = core.shared ? core.namespaces.get(name) : null;
                if (adopted != null) {
                    return adopted;
                }
                throw new SharedMemoryException("The store already holds a namespace \"" + name
                        + "\" that this memory does not know; nothing was created");
            }
        } catch (StoreException e) {
            throw new SharedMemoryException("Namespace \"" + name + "\" was not created: " + e.getMessage(), e);
        }
        core.namespaces.put(name, new Namespace(name, config, core.store.entries(name)));
        return null;
    }

    /**
     * For a shared store, after every lock is released: waits until the other processes have applied what this one
     * just stored (the store logs a process that did not confirm in time). Waiting under a lock could deadlock two
     * processes that change namespaces at once, each waiting for the other's gate.
     */
    void awaitOthers(String name) {
        if (core.shared) {
            core.store.awaitNamespace(name, PROPAGATION_TIMEOUT);
        }
    }

    /** How long a change of a namespace waits for the other processes of a shared store to apply it. */
    static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A shared store reports that a namespace changed elsewhere (created, reconfigured, dropped): the engine's
     * namespace is brought to what the store holds now, read under the lifecycle lock and the namespace's exclusive
     * gate — so that no operation checked against the previous configuration is in flight when this returns, and a
     * report that arrives late never applies an older configuration. The resolver this process gave the namespace is
     * kept (no store keeps it). A namespace whose table the store replaced (dropped and created again elsewhere) ends
     * and is made anew.
     */
    void follow(String name) {
        synchronized (lifecycle) {
            if (core.destroyed) {
                return;
            }
            Namespace ns = core.namespaces.get(name);
            EntryTable table = storedTable(name);
            if (ns != null && ns.table != table) {
                long stamp = ns.gate.writeLock();
                try {
                    ns.deleted = true;
                    core.namespaces.remove(name, ns);
                    Subscriptions.endAll(ns);
                } finally {
                    ns.gate.unlockWrite(stamp);
                }
                ns = null;
            }
            if (table == null) {
                return;
            }
            if (ns == null) {
                core.store.configuration(name).ifPresent(stored ->
                        core.namespaces.put(name, new Namespace(name, stored, table)));
                return;
            }
            long stamp = ns.gate.writeLock();
            try {
                NamespaceConfig stored = core.store.configuration(name).orElse(null);
                if (stored == null) {
                    return;
                }
                NamespaceConfig config = stored.conflictResolver().isPresent()
                        || ns.config.conflictResolver().isEmpty() ? stored
                        : stored.toBuilder().conflictResolver(ns.config.conflictResolver().get()).build();
                if (!config.equals(ns.config)) {
                    ns.configure(config);
                    subscriptions.endUnreadable(core.plugins(), ns);
                }
            } finally {
                ns.gate.unlockWrite(stamp);
            }
        }
    }

    /** @return the store's table of the namespace, or null when it holds none */
    private EntryTable storedTable(String name) {
        try {
            return core.store.configuration(name).isPresent() ? core.store.entries(name) : null;
        } catch (IllegalArgumentException gone) {
            return null;
        }
    }

    /** Under the lifecycle lock: takes the namespace's exclusive gate and changes its configuration. */
    private void reconfigure(PluginSet p, Namespace ns, NamespaceConfig config) {
        long stamp = ns.gate.writeLock();
        try {
            configure(p, ns, config);
        } finally {
            ns.gate.unlockWrite(stamp);
        }
    }

    /** Under the exclusive gate: the store keeps the configuration, then the engine uses it. */
    void configure(PluginSet p, Namespace ns, NamespaceConfig config) {
        try {
            core.store.saveNamespace(ns.name, ns.config, config);
        } catch (StoreException e) {
            throw new SharedMemoryException("Namespace \"" + ns.name + "\" was not reconfigured: " + e.getMessage(),
                    e);
        }
        ns.configure(config);
        subscriptions.endUnreadable(p, ns);
    }

    /**
     * An admin deletes a namespace with its entries; its subscriptions end. Dead entries it held are reported as
     * expired, as {@code clearNamespace} reports them. Lifecycle lock, then the namespace's exclusive gate, as
     * creation takes them.
     */
    boolean delete(Operation op, Expiry expiry) {
        Namespace ns = Administration.admin(op, core);
        if (ns == null) {
            return false;
        }
        List<String> dead = new ArrayList<>();
        synchronized (lifecycle) {
            long stamp = ns.gate.writeLock();
            try {
                if (ns.deleted) {
                    return op.refuse(Core.missing(ns.name));
                }
                if (!op.permission(ns).implies(Permission.ADMIN)) {
                    return op.refuse(Entries.DENIED_TEXT);
                }
                ns.table.forEach((k, e) -> {
                    if (e.isExpiredAt(op.now)) {
                        dead.add(k);
                    }
                });
                try {
                    core.store.dropNamespace(ns.name);
                } catch (StoreException e) {
                    return op.refuse(Entries.storeFailure(e));
                }
                ns.deleted = true;
                core.namespaces.remove(ns.name, ns);
                Subscriptions.endAll(ns);
            } finally {
                ns.gate.unlockWrite(stamp);
            }
        }
        awaitOthers(ns.name);
        op.succeed();
        if (!dead.isEmpty()) {
            expiry.report(op.plugins, ns.name, dead, op.nanos, op.now);
        }
        core.hub.publish(EventType.NAMESPACE_DELETED, ns.name, null, op.agentId, null, null, op.now);
        return true;
    }

    Optional<NamespaceConfig> config(String name) {
        Namespace n = name == null ? null : core.namespaces.get(name);
        return n == null ? Optional.empty() : Optional.of(n.config);
    }

    List<String> names() {
        List<String> names = new ArrayList<>(core.namespaces.keySet());
        Collections.sort(names);
        return Collections.unmodifiableList(names);
    }

    Permission permission(String namespace, String agentId) {
        if (namespace == null || agentId == null || Names.checkAgent(agentId) != null) {
            return Permission.NONE;
        }
        Namespace ns = core.namespaces.get(namespace);
        return ns == null ? Permission.NONE : PluginPolicy.permission(core.plugins(), namespace, agentId, ns.config);
    }

    /** When the memory is destroyed: every namespace ends, in the engine only (a durable store keeps them). */
    void endAll() {
        synchronized (lifecycle) {
            for (Namespace ns : new ArrayList<>(core.namespaces.values())) {
                long stamp = ns.gate.writeLock();
                try {
                    ns.deleted = true;
                    core.namespaces.remove(ns.name, ns);
                    Subscriptions.endAll(ns);
                } finally {
                    ns.gate.unlockWrite(stamp);
                }
            }
        }
    }
}
