package io.sharedmemory.engine.internal;

import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.StoreListener;

/**
 * The engine's {@link StoreListener}: what a store shared with other processes reports reaches the concern that owns
 * it — namespaces created, reconfigured or dropped elsewhere go to {@link Namespaces}; changes, broadcasts and notices
 * of possibly lost changes go to the subscribers ({@link Subscriptions}). Ignored once the memory is destroyed.
 */
final class StoreEvents implements StoreListener {
    private final Core core;
    private final Namespaces namespaces;
    private final Subscriptions subscriptions;

    StoreEvents(Core core, Namespaces namespaces, Subscriptions subscriptions) {
        this.core = core;
        this.namespaces = namespaces;
        this.subscriptions = subscriptions;
    }

    @Override
    public void namespaceChanged(String name, NamespaceConfig config) {
        if (!core.destroyed) {
            namespaces.follow(name);
        }
    }

    @Override
    public void namespaceDropped(String name) {
        if (!core.destroyed) {
            namespaces.follow(name);
        }
    }

    @Override
    public void changed(ChangeEvent change) {
        if (!core.destroyed) {
            subscriptions.deliver(change);
        }
    }

    @Override
    public void broadcast(ChangeEvent message) {
        if (!core.destroyed) {
            subscriptions.deliverBroadcast(message);
        }
    }

    @Override
    public void mayHaveMissed(String namespace, String key, String reason) {
        if (!core.destroyed) {
            subscriptions.resync(namespace, key, reason);
        }
    }
}
