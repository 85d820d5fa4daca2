package io.sharedmemory.store;

import io.sharedmemory.api.NamespaceConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a memory keeps its namespaces — each one's configuration and its {@link EntryTable} of entries.
 *
 * <h2>Lifecycle</h2>
 * A memory {@link #open opens} its store once, when it is created, and {@link #close closes} it when it is destroyed.
 * A store serves one memory at a time; once closed it may be opened again (by a new memory in the same process, after
 * a restart of the engine), and a durable store then holds what it held at close. {@code open} is where a store
 * recovers: it returns the namespaces it holds, whose tables hold their entries.
 *
 * <h2>Threads</h2>
 * Every method but {@code open} and {@code close} may be called from any number of threads at once. The engine calls
 * {@link #addNamespace}, {@link #saveNamespace}, {@link #dropNamespace} and {@link EntryTable#clear()} for a namespace
 * only while no step of that namespace runs, so a store may order them freely against its entry changes.
 *
 * <h2>What is stored</h2>
 * A namespace's configuration is stored without its {@link NamespaceConfig#conflictResolver() resolver}, which is a
 * function of one process: a recovered {@code custom} namespace has none until the application creates the namespace
 * again with one. Entries are stored whole: value, owner, timestamp, version, metadata and deadline.
 *
 * <h2>Finding one</h2>
 * Plain Java: {@link io.sharedmemory.api.SharedMemoryOptions.Builder#store(MemoryStore)}; without it, the engine's
 * in-memory store. Inside OSGi: a {@code MemoryStore} service with the property {@value #NAME_PROPERTY}, chosen by the
 * engine's {@code store} configuration.
 */
@ConsumerType
public interface MemoryStore extends AutoCloseable {
    /** The service property that names a store inside OSGi (for instance {@code file}). */
    String NAME_PROPERTY = "sharedmemory.store.name";

    /** @return the store's name, as the engine's configuration and operators refer to it: {@code memory}, {@code file} */
    String name();

    /** @return what the store can do and promises; the same set for the store's whole life */
    Set<StoreCapability> capabilities();

    /**
     * Opens the store for one memory, recovering what it holds.
     *
     * @param context what the engine gives its store
     * @return the namespaces the store holds, name → configuration (without resolver); empty for a new store
     * @throws StoreException when the store cannot be opened; the message names what (a path that cannot be created or
     *         written, a directory locked by another process, a corrupt log with its file and offset)
     * @throws IllegalStateException when the store is open already
     */
    Map<String, NamespaceConfig> open(StoreContext context);

    /**
     * Adds a namespace, unless one of that name exists.
     *
     * @param name the namespace
     * @param config its configuration (the resolver is not stored)
     * @return true when added, false when the name exists (then nothing changed)
     * @throws StoreException when it could not be stored
     */
    boolean addNamespace(String name, NamespaceConfig config);

    /**
     * Replaces the configuration of an existing namespace (reconfiguration, permission changes), keeping its
     * entries.
     *
     * @param name the namespace
     * @param config its new configuration (the resolver is not stored)
     * @throws StoreException when it could not be stored (then the old configuration stays)
     */
    void saveNamespace(String name, NamespaceConfig config);

    /**
     * Replaces the configuration of an existing namespace, told which configuration the change was made from: the
     * engine calls this one. A {@link StoreCapability#SHARED} store applies the difference between the two to the
     * configuration it holds, field by field and agent by agent, so that two processes changing different agents'
     * permissions at once both keep their change; other stores store {@code config} ({@link #saveNamespace(String,
     * NamespaceConfig)}, the default).
     *
     * @param name the namespace
     * @param previous the configuration the engine had when it made the change (the resolver is not stored)
     * @param config its new configuration (the resolver is not stored)
     * @throws StoreException when it could not be stored (then the old configuration stays)
     * @since 1.1
     */
    default void saveNamespace(String name, NamespaceConfig previous, NamespaceConfig config) {
        saveNamespace(name, config);
    }

    /**
     * Removes a namespace with its entries.
     *
     * @param name the namespace
     * @throws StoreException when it could not be removed
     */
    void dropNamespace(String name);

    /**
     * @param name a namespace the store holds (added, or returned by {@link #open})
     * @return its entries; the same table for the namespace's whole life
     * @throws IllegalArgumentException when the store holds no such namespace
     */
    EntryTable entries(String name);

    /**
     * @return facts for operators, label → value, in a stable order (for instance the directory, the durability, the
     *         log's size and the last snapshot); shown by the shell's {@code sm:stats}
     */
    Map<String, String> describe();

    /**
     * For a {@link StoreCapability#SHARED} store: the namespace as the store holds it now — the newest configuration
     * this process knows of, without resolver — or empty when it holds no namespace of that name. The engine reads it
     * under the namespace's gate whenever the store reports a namespace change ({@link
     * StoreListener#namespaceChanged}, {@link StoreListener#namespaceDropped}), so that a report that arrives late
     * never takes the namespace back to an older configuration. Answered from what the store keeps in this process;
     * never called for other stores.
     *
     * @param name the namespace
     * @return its configuration, or empty
     * @since 1.1
     */
    default java.util.Optional<NamespaceConfig> configuration(String name) {
        return java.util.Optional.empty();
    }

    /**
     * For a {@link StoreCapability#SHARED} store: from when this returns, report every change of the namespace's
     * entries committed anywhere — by this process or another — to the {@link StoreListener} ({@link
     * StoreListener#changed}). The engine calls it before it registers a namespace's first subscriber, so that a
     * subscriber receives every change committed after {@code subscribe} returned. Idempotent; until it is called a
     * shared store need not report entry changes at all (reporting costs every process a message per change).
     * Ignored by other stores.
     *
     * @param namespace a namespace the store holds
     * @throws StoreException when the store cannot arrange it (then a subscribe is refused)
     * @since 1.1
     */
    default void listen(String namespace) {
    }

    /**
     * For a {@link StoreCapability#SHARED} store: waits until every change committed through this store to the
     * namespace before the call has been reported to the {@link StoreListener} (or reported as possibly missed),
     * so that {@code Subscription.awaitDelivery} also covers the time a change takes to come back from the member that
     * committed it. Other stores report nothing and return true at once.
     *
     * @param namespace the namespace
     * @param timeout the longest wait
     * @return true when reported, false on timeout
     * @throws InterruptedException when interrupted while waiting
     * @since 1.1
     */
    default boolean awaitReported(String namespace, Duration timeout) throws InterruptedException {
        return true;
    }

    /**
     * For a {@link StoreCapability#SHARED} store: sends a broadcast to the engines of the other processes, which
     * deliver it to their subscribers of the namespace ({@link StoreListener#broadcast}); the engine delivers it in
     * its own process itself. Ignored by other stores.
     *
     * @param namespace the namespace
     * @param message the message, an immutable snapshot of a JSON-like value
     * @param agentId who broadcasts
     * @param atMillis when, in epoch milliseconds
     * @throws StoreException when it could not be sent (then the broadcast is refused)
     * @since 1.1
     */
    default void broadcast(String namespace, Object message, String agentId, long atMillis) {
    }

    /**
     * For a {@link StoreCapability#SHARED} store: waits until the engine of every other process that uses the
     * store has applied the namespace's configuration as this store last saved it ({@link #addNamespace},
     * {@link #saveNamespace}), or has forgotten the namespace after {@link #dropNamespace} — each through its own
     * {@link StoreListener}, under the namespace's gate. The engine calls it after it has released its own locks, so
     * that when {@code updatePermissions} returns no process still runs a write checked against the old permissions.
     * Other stores return true at once.
     *
     * @param name the namespace
     * @param timeout the longest wait
     * @return true when every other process confirmed (a process that left the cluster meanwhile counts as having
     *         confirmed), false on timeout; the store logs which did not
     * @since 1.1
     */
    default boolean awaitNamespace(String name, Duration timeout) {
        return true;
    }

    /** Releases what the store holds (files, locks, listeners); idempotent. A durable store forces what it has. */
    @Override
    void close();
}
