package io.sharedmemory.store;

import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a {@link StoreCapability#SHARED} store tells the engine of its process about what happened elsewhere: namespaces
 * created, reconfigured or dropped through another process, changes committed anywhere, broadcasts sent from other
 * processes, and changes that may never arrive. The engine hands it over with {@link StoreContext#listener()}; a store
 * that is not shared never calls it.
 *
 * <h2>Threads and order</h2>
 * A store may call it from any of its threads, also several at once. It reports the changes of one key in the order
 * they were committed and each once ({@link #changed}); changes of different keys in any order. The engine's methods
 * return quickly: they hand events to the subscribers' queues and take a namespace's gate only to apply a
 * configuration. A store must not call {@link #namespaceChanged} or {@link #namespaceDropped} from a thread that is
 * inside one of its own methods called by the engine ({@link MemoryStore#addNamespace} and the like): the engine may
 * hold the namespace's gate there. It may call them from inside {@link MemoryStore#addNamespace} to report the
 * namespace of that name that another process created first (the engine expects that, and holds no gate there).
 *
 * @since 1.1
 */
@ProviderType
public interface StoreListener {
    /** A listener that ignores everything: what a store gets from a context that has no engine behind it. */
    StoreListener NONE = new StoreListener() {
        @Override
        public void namespaceChanged(String name, NamespaceConfig config) {
        }

        @Override
        public void namespaceDropped(String name) {
        }

        @Override
        public void changed(ChangeEvent change) {
        }

        @Override
        public void broadcast(ChangeEvent message) {
        }

        @Override
        public void mayHaveMissed(String namespace, String key, String reason) {
        }
    };

    /**
     * A namespace was created or reconfigured through another process (its permissions changed, for instance). The
     * engine brings its namespace to what the store holds now: it takes the namespace's gate and applies
     * {@link MemoryStore#configuration} as read there (so a report that arrives late never applies an older
     * configuration), keeping the resolver it has; a namespace whose {@link MemoryStore#entries table} the store
     * replaced (dropped and created again elsewhere) is ended and made anew. When this returns no operation checked
     * against the previous configuration is still in flight in this process.
     *
     * @param name the namespace
     * @param config its configuration as the store saw it (without resolver), for the record
     */
    void namespaceChanged(String name, NamespaceConfig config);

    /**
     * A namespace was dropped through another process: the engine ends its subscriptions and forgets it, unless the
     * store holds a namespace of that name again ({@link MemoryStore#configuration}), which it then follows as for
     * {@link #namespaceChanged}.
     *
     * @param name the namespace
     */
    void namespaceDropped(String name);

    /**
     * A change was committed to an entry, in this process or another: the engine delivers it to the namespace's
     * subscribers in this process. Per key, each change once, in commit order.
     *
     * @param change a {@link io.sharedmemory.api.ChangeAction#WRITE WRITE}, {@code DELETE} or {@code EXPIRE} event
     *        whose value is an immutable snapshot
     */
    void changed(ChangeEvent change);

    /**
     * A message was broadcast to a namespace from another process (the engine delivers its own broadcasts itself).
     *
     * @param message a {@link io.sharedmemory.api.ChangeAction#BROADCAST BROADCAST} event whose value is an immutable
     *        snapshot
     */
    void broadcast(ChangeEvent message);

    /**
     * Changes (or broadcasts) may have been lost before they reached this process: a member failed, the cluster
     * split and merged, or a key's change arrived after a gap. The engine tells the namespace's subscribers with a
     * {@link io.sharedmemory.api.ChangeAction#RESYNC RESYNC} event.
     *
     * @param namespace the namespace, or null for every namespace
     * @param key the key whose changes may be missing, or null for any key
     * @param reason what happened, for a person
     */
    void mayHaveMissed(String namespace, String key, String reason);
}
