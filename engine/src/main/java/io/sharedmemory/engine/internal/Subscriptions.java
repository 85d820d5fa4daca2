package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.InvalidInputException;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.NamespaceNotFoundException;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.engine.internal.events.Delivery;
import io.sharedmemory.engine.internal.events.EventJournal;
import io.sharedmemory.engine.internal.events.NamespaceSubscription;
import io.sharedmemory.engine.internal.values.InvalidValueException;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.engine.internal.values.Values;
import io.sharedmemory.engine.internal.plugins.PluginSet;
import io.sharedmemory.store.StoreException;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Subscriptions, broadcasts and listeners, and what ends a subscription: its agent may no longer read the namespace
 * (a permission change or a reconfiguration), a switch to authenticated mode (for bare-id subscriptions), the
 * namespace's deletion, the memory's destruction.
 */
final class Subscriptions {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");

    private final Core core;
    private final AtomicInteger subscriptionIds = new AtomicInteger();

    Subscriptions(Core core) {
        this.core = core;
    }

    Subscription subscribe(Operation op, Consumer<ChangeEvent> callback) {
        if (op.bareRefused()) {
            throw new AccessDeniedException(Operation.SESSION_REQUIRED_TEXT);
        }
        String namespace = op.namespace;
        String err = Core.firstError(Names.checkNamespace(namespace), Names.checkAgent(op.agentId));
        if (err != null) {
            op.refuse(err);
            throw new InvalidInputException(err);
        }
        Objects.requireNonNull(callback, "callback");
        core.requireAlive();
        core.requireAudit(op.plugins);
        Namespace ns = core.namespaces.get(namespace);
        if (ns == null) {
            op.refuse(Core.missing(namespace));
            throw new NamespaceNotFoundException(namespace);
        }
        if (!op.permission(ns).implies(Permission.READ)) {
            throw mayNotRead(op);
        }
        if (core.shared) {
            // before registering: from when listen returns the store reports every change, whoever commits it
            try {
                core.store.listen(namespace);
            } catch (StoreException e) {
                op.refuse(Entries.storeFailure(e));
                throw new SharedMemoryException("Cannot subscribe to namespace \"" + namespace + "\": "
                        + Entries.storeFailure(e), e);
            }
        }
        NamespaceSubscription sub;
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                op.refuse(Core.missing(namespace));
                throw new NamespaceNotFoundException(namespace);
            }
            if (!op.permission(ns).implies(Permission.READ)) {
                throw mayNotRead(op);
            }
            if (!op.viaSession && core.settings.identity() == IdentityMode.AUTHENTICATED) {
                // the engine switched to authenticated mode while this bare subscribe was on its way
                op.refuse(Operation.SESSION_REQUIRED_TEXT);
                throw new AccessDeniedException(Operation.SESSION_REQUIRED_TEXT);
            }
            EventJournal j = ns.journal;
            if (j == null) {
                j = new EventJournal(core.settings.queueCapacity(), core.deliveryPool);
                ns.journal = j;
            }
            sub = new NamespaceSubscription(namespace, op.agentId, op.viaSession, j, callback, core.clock,
                    "subscription " + subscriptionIds.incrementAndGet() + " of " + op.agentId + " to " + namespace,
                    ns.subscribers::remove);
            ns.subscribers.add(sub);
            sub.register();
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        op.succeed();
        return core.shared ? new SharedSubscription(sub, core.store) : sub;
    }

    private static AccessDeniedException mayNotRead(Operation op) {
        op.refuse(Entries.DENIED_TEXT);
        return new AccessDeniedException(Entries.DENIED_TEXT + ": agent \"" + op.agentId
                + "\" may not read namespace \"" + op.namespace + "\"");
    }

    void broadcast(Operation op, Object message) {
        if (op.bareRefused()) {
            throw new AccessDeniedException(Operation.SESSION_REQUIRED_TEXT);
        }
        String namespace = op.namespace;
        String err = Core.firstError(Names.checkNamespace(namespace), Names.checkAgent(op.agentId));
        if (err != null) {
            op.refuse(err);
            throw new InvalidInputException(err);
        }
        core.requireAudit(op.plugins);
        Namespace ns = core.namespaces.get(namespace);
        if (ns == null) {
            op.refuse(Core.missing(namespace));
            throw new NamespaceNotFoundException(namespace);
        }
        Object snapshot;
        try {
            snapshot = Values.snapshot(message, core.settings.maxValueBytes());
        } catch (InvalidValueException e) {
            op.refuse(e.getMessage());
            throw new InvalidInputException(e.getMessage().replaceFirst("value", "message"));
        }
        long stamp = ns.gate.readLock();
        try {
            if (ns.deleted) {
                op.refuse(Core.missing(namespace));
                throw new NamespaceNotFoundException(namespace);
            }
            if (!op.permission(ns).implies(Permission.READ)) {
                op.refuse(Entries.DENIED_TEXT);
                throw new AccessDeniedException(Entries.DENIED_TEXT + ": agent \"" + op.agentId
                        + "\" may not broadcast to namespace \"" + namespace + "\"");
            }
            if (core.shared) {
                try {
                    core.store.broadcast(namespace, snapshot, op.agentId, op.now);
                } catch (StoreException e) {
                    op.refuse(Entries.storeFailure(e));
                    throw new SharedMemoryException("Broadcast to namespace \"" + namespace + "\" not sent: "
                            + Entries.storeFailure(e), e);
                }
            }
            EventJournal j = ns.journalWithConsumers();
            if (j != null) {
                j.publish(new ChangeEvent(namespace, null, snapshot, op.agentId, ChangeAction.BROADCAST, 0,
                        j.instant(op.now)));
            }
            core.hub.publish(EventType.MEMORY_BROADCAST, namespace, null, op.agentId, snapshot, null, op.now);
        } finally {
            ns.gate.unlockRead(stamp);
        }
        op.succeed();
    }

    Registration on(EventType type, Consumer<MemoryEvent> listener) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(listener, "listener");
        core.requireAlive();
        core.requireAudit(core.plugins());
        Registration r = core.hub.register(type, listener, core.settings.queueCapacity());
        if (core.destroyed) {
            r.remove();
            core.requireAlive();
        }
        // wait out mutations already past their check, so that every one committed after this returns is delivered
        for (Namespace ns : core.namespaces.values()) {
            ns.gate.unlockWrite(ns.gate.writeLock());
        }
        return r;
    }

    /** Under the exclusive gate, after a permission change: a subscriber that may no longer read stops receiving. */
    void endUnreadable(PluginSet p, Namespace ns) {
        for (NamespaceSubscription sub : ns.subscribers) {
            if (!PluginPolicy.permission(p, ns.name, sub.agentId(), ns.config).implies(Permission.READ)) {
                LOG.log(Level.INFO, "subscription of {0} to {1} ended: the agent may no longer read it",
                        sub.agentId(), ns.name);
                sub.revoke();
            }
        }
    }

    /**
     * After a switch to authenticated mode: subscriptions made with a bare agent id were never proven and end. Each
     * namespace's gate is taken exclusively, so a bare subscribe still on its way either registered before (and is
     * ended here) or finds the new mode under the gate and is refused.
     */
    void endBare() {
        for (Namespace ns : core.namespaces.values()) {
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

    /** Under the exclusive gate of a namespace going away: every subscription ends. */
    static void endAll(Namespace ns) {
        EventJournal j = ns.journal;
        if (j != null) {
            for (Delivery<?> d : j.consumers()) {
                d.stop();
            }
        }
    }

    int subscriptionCount(Namespace ns) {
        return ns.subscribers.size();
    }

    // ---------------------------------------------------------------- what a shared store reports

    /** A change committed anywhere, as a shared store reports it: to this process's subscribers of the namespace. */
    void deliver(ChangeEvent change) {
        Namespace ns = core.namespaces.get(change.namespace());
        EventJournal j = ns == null ? null : ns.journalWithConsumers();
        if (j != null) {
            j.publish(change);
        }
    }

    /** A broadcast sent from another process: to this process's subscribers and {@code memory:broadcast} listeners. */
    void deliverBroadcast(ChangeEvent message) {
        deliver(message);
        core.hub.publish(EventType.MEMORY_BROADCAST, message.namespace(), null, message.agentId(), message.value(),
                null, message.timestamp().toEpochMilli());
    }

    /** Changes may have been lost on their way here: every subscriber of the namespace (or of all) is told. */
    void resync(String namespace, String key, String reason) {
        for (Namespace ns : core.namespaces.values()) {
            if (namespace != null && !namespace.equals(ns.name)) {
                continue;
            }
            EventJournal j = ns.journalWithConsumers();
            if (j != null) {
                j.publish(new ChangeEvent(ns.name, key, reason, SharedMemory.SYSTEM_AGENT, ChangeAction.RESYNC, 0,
                        core.clock.instant()));
            }
        }
    }
}
