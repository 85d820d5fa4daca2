package io.sharedmemory.engine.internal;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.engine.internal.events.EventJournal;
import io.sharedmemory.engine.internal.step.DeleteStep;
import io.sharedmemory.engine.internal.step.ExpireStep;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an admin of a namespace does to it: clear it and change its permissions (deletion and reconfiguration are
 * part of the lifecycle, in {@link Namespaces}). The admin permission is checked under the namespace's exclusive
 * gate, so a revoke that returned is in force for every later administrative call.
 */
final class Administration {
    private final Core core;
    private final Namespaces namespaces;
    private final Expiry expiry;

    Administration(Core core, Namespaces namespaces, Expiry expiry) {
        this.core = core;
        this.namespaces = namespaces;
        this.expiry = expiry;
    }

    /**
     * Checks the arguments and, as a first look before the gate, the admin permission; records a refusal.
     *
     * @return the namespace, or null when refused
     */
    static Namespace admin(Operation op, Core core) {
        if (op.bareRefused()) {
            return null;
        }
        String err = Core.firstError(Names.checkNamespace(op.namespace), Names.checkAgent(op.agentId));
        if (err != null) {
            op.refuse(err);
            return null;
        }
        if (core.auditMissing(op.plugins)) {
            return null;
        }
        Namespace ns = core.namespaces.get(op.namespace);
        if (ns == null) {
            op.refuse(Core.missing(op.namespace));
            return null;
        }
        if (!op.permission(ns).implies(Permission.ADMIN)) {
            op.refuse(Entries.DENIED_TEXT);
            return null;
        }
        return ns;
    }

    /**
     * Removes every entry, reporting each live one as DELETE and each dead one as EXPIRE, under the exclusive gate:
     * the events are published after the store removed the entries and before any later change.
     */
    boolean clear(Operation op) {
        Namespace ns = admin(op, core);
        if (ns == null) {
            return false;
        }
        List<String> liveKeys = new ArrayList<>();
        List<String> deadKeys = new ArrayList<>();
        List<Object> deadValues = new ArrayList<>();
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                return op.refuse(Core.missing(op.namespace));
            }
            if (!op.permission(ns).implies(Permission.ADMIN)) {
                return op.refuse(Entries.DENIED_TEXT);
            }
            if (core.shared) {
                String failure = clearShared(op, ns, deadKeys);
                if (failure != null) {
                    if (!deadKeys.isEmpty()) {
                        expiry.report(op.plugins, ns.name, deadKeys, op.nanos, op.now);
                    }
                    return op.refuse(failure);
                }
            } else {
                ns.table.forEach((k, e) -> {
                    if (e.isExpiredAt(op.now)) {
                        deadKeys.add(k);
                        deadValues.add(e.value());
                    } else {
                        liveKeys.add(k);
                    }
                });
                try {
                    ns.table.clear();
                } catch (StoreException e) {
                    return op.refuse(Entries.storeFailure(e));
                }
            }
            // a shared store reports the removals itself, to the subscribers of every process
            EventJournal j = core.shared ? null : ns.journalWithConsumers();
            if (j != null) {
                Instant at = Instant.ofEpochMilli(op.now);
                for (int i = 0; i < deadKeys.size(); i++) {
                    j.publish(new ChangeEvent(ns.name, deadKeys.get(i), deadValues.get(i), SharedMemory.SYSTEM_AGENT,
                            ChangeAction.EXPIRE, 0, at));
                }
                for (String k : liveKeys) {
                    j.publish(new ChangeEvent(ns.name, k, null, op.agentId, ChangeAction.DELETE, 0, at));
                }
            }
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        op.succeed();
        if (!deadKeys.isEmpty()) {
            expiry.report(op.plugins, ns.name, deadKeys, op.nanos, op.now);
        }
        core.hub.publish(EventType.NAMESPACE_CLEARED, ns.name, null, op.agentId, null, null, op.now);
        return true;
    }

    /**
     * Clear on a store shared with other processes: each key goes in a step of its own, a live one as deleted by the
     * acting agent and a dead one as expired, so that every process's subscribers are told who removed what (the
     * store reports each change; nothing is published here). The exclusive gate keeps this process's writers out;
     * writers in other processes may still add keys meanwhile, which the clear leaves.
     *
     * @return null when every key was removed, else why not (the keys removed before the failure stay removed)
     */
    private String clearShared(Operation op, Namespace ns, List<String> deadKeys) {
        List<String> keys = new ArrayList<>();
        try {
            ns.table.forEach((k, e) -> keys.add(k));
            for (String key : keys) {
                DeleteStep delete = new DeleteStep(ns.name, op.agentId, op.now, null);
                DeleteStep deleted = (DeleteStep) ns.table.apply(key, delete, null);
                if (DeleteStep.EXPIRED_TEXT.equals(deleted.failure())) {
                    ExpireStep expire = new ExpireStep(ns.name, op.now, null);
                    if (((ExpireStep) ns.table.apply(key, expire, null)).removed()) {
                        deadKeys.add(key);
                    }
                }
            }
        } catch (StoreException e) {
            return Entries.storeFailure(e);
        }
        return null;
    }

    boolean updatePermissions(Operation op, Map<String, Permission> permissions) {
        if (op.bareRefused()) {
            return false;
        }
        String err = null;
        if (permissions == null) {
            err = "Invalid permissions: null";
        } else {
            for (Map.Entry<String, Permission> e : permissions.entrySet()) {
                String agentErr = Names.checkAgent(e.getKey());
                if (agentErr != null) {
                    err = "Invalid permissions: " + agentErr;
                    break;
                }
                if (e.getValue() == null) {
                    err = "Invalid permissions: null permission for agent \"" + e.getKey() + "\"";
                    break;
                }
            }
        }
        if (err != null) {
            String nameErr = Core.firstError(Names.checkNamespace(op.namespace), Names.checkAgent(op.agentId));
            return op.refuse(nameErr != null ? nameErr : err);
        }
        Map<String, Permission> changes = Map.copyOf(permissions);
        Namespace ns = admin(op, core);
        if (ns == null) {
            return false;
        }
        long stamp = ns.gate.writeLock();
        try {
            if (ns.deleted) {
                return op.refuse(Core.missing(op.namespace));
            }
            if (!op.permission(ns).implies(Permission.ADMIN)) {
                return op.refuse(Entries.DENIED_TEXT);
            }
            NamespaceConfig next = ns.config.toBuilder().permissions(changes).build();
            try {
                namespaces.configure(op.plugins, ns, next);
            } catch (SharedMemoryException e) {
                return op.refuse(e.getMessage());
            }
        } finally {
            ns.gate.unlockWrite(stamp);
        }
        namespaces.awaitOthers(ns.name);
        op.succeed();
        core.hub.publish(EventType.NAMESPACE_PERMISSIONS_UPDATED, op.namespace, null, op.agentId, changes, null,
                op.now);
        return true;
    }
}
