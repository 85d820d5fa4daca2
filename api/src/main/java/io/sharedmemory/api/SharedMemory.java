package io.sharedmemory.api;

import io.sharedmemory.spi.SharedMemoryProvider;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Memory that many agents share: namespaces of key → value entries with per-agent permissions, a conflict strategy per
 * namespace, change subscriptions, broadcasts, events, an access log and expiry.
 *
 * <h2>Getting one</h2>
 * Outside OSGi: {@link #create()} or {@link #create(SharedMemoryOptions)}, which find the engine and the plugins
 * (conflict strategies, permission provider, audit sinks) with {@link ServiceLoader}. Inside OSGi: the
 * {@code SharedMemory} service, whose plugins are the matching services in the registry and may change at any moment.
 *
 * <h2>Threads</h2>
 * Every method is safe to call from any number of threads. A write's conflict decision is atomic per key: racing writers
 * under {@code merge} lose no update, and of racing writers with the same expected version exactly one wins. Reads take
 * no lock. Listeners and subscribers run on the memory's delivery threads and never hold up the caller.
 *
 * <h2>Values</h2>
 * Values are JSON-like: {@code String}, {@code Boolean}, numbers ({@code Integer}, {@code Long}, {@code Short},
 * {@code Byte}, finite {@code Double} and {@code Float}, {@code BigInteger}, {@code BigDecimal}), {@code Map} with
 * {@code String} keys, {@code List}, nested; {@code null} only inside maps and lists. A write stores an immutable
 * snapshot: changing the object after writing it, or changing what a read returned (it is unmodifiable), never changes
 * the stored state. Anything else — a null value, a cyclic structure, another type, NaN or infinity, a value larger
 * than {@link SharedMemoryOptions#maxValueBytes()} in estimated JSON size, nesting deeper than {@value #MAX_DEPTH} — is
 * refused with {@link WriteResult.Status#INVALID} and a message that says what is wrong.
 *
 * <h2>Names and limits</h2>
 * Namespace names and agent ids: 1 to {@value #MAX_NAME_LENGTH} characters; keys: 1 to {@value #MAX_KEY_LENGTH}. None
 * may be blank (empty or only whitespace), contain a control character, or contain an unpaired surrogate. An operation
 * given a name that breaks these rules changes nothing and reports it: {@code INVALID} for writes, {@code false} or
 * {@code null} for the operations that return those, {@link InvalidInputException} for the ones that throw — always
 * with a failure entry in the access log.
 *
 * <h2>Outcomes</h2>
 * Operations report their outcome in their result and in the access log (failure texts as in
 * {@link AccessLogEntry}); only {@link #subscribe}, {@link #broadcast}, {@link #on} and {@link #createNamespace} throw,
 * as documented on each. No operation leaves state half-changed.
 *
 * <h2>Permissions</h2>
 * {@code read}, {@code readEntry}, {@code getKeys}, {@code getAll}, {@code subscribe} and {@code broadcast} need
 * {@link Permission#READ}; {@code write} and {@code delete} need {@link Permission#WRITE}; {@code clearNamespace},
 * {@code deleteNamespace} and {@code updatePermissions} need {@link Permission#ADMIN}. The effective permission comes
 * from the highest-ranked {@link io.sharedmemory.spi.PermissionProvider}; with none present every check is denied.
 * {@link #createNamespace} takes no agent and needs no permission: it is for the application that sets the memory up.
 *
 * <h2>Delivery</h2>
 * Each subscriber and listener has its own bounded queue (at least
 * {@link SharedMemoryOptions#listenerQueueCapacity()} events) and its own place in it: it sees events in the
 * namespace's commit order, never concurrently with itself, and a slow or throwing one never blocks a writer or another
 * listener. Callbacks run on a pool of delivery threads shared by all subscribers and listeners of the memory: at most
 * one fewer than the cores are at work at a time (system property {@code sharedmemory.deliveryThreads} sets another
 * number), so writers keep a core however many subscribers there are; they start when there are events and end when
 * there are none. A delivery thread with nothing to do looks for new events every few microseconds for a while
 * (200 µs; system property {@code sharedmemory.deliverySpinMicros}) before it sleeps, and takes what has arrived in
 * one batch: a writer then never waits on a delivery thread, and an event reaches its callback a few microseconds
 * after its commit, or after the thread wakes up when it was asleep. A callback that stays inside one call for more
 * than about 100 ms gets that thread to itself: a new thread serves the others, and the old one ends once the call
 * returns. So a callback may block, but a hundred blocking callbacks cost a hundred threads. To wait for delivery
 * without sleeping, call {@link Subscription#awaitDelivery} or {@link Registration#awaitDelivery}. One that falls too
 * far behind is cut off and told (see {@link ChangeAction#OVERFLOW}).
 *
 * <h2>One memory in several processes</h2>
 * A memory whose store is shared by several processes (a cluster; see
 * {@link io.sharedmemory.store.StoreCapability#SHARED}) is one memory for all of them: namespaces, permissions and
 * entries are the cluster's, and a subscriber receives every change committed by any process, each once and each
 * key's changes in commit order, but not one order across keys; when changes may have been lost on their way (a
 * member failed) it receives {@link ChangeAction#RESYNC} and should re-read. {@link Subscription#awaitDelivery} then
 * waits for the changes this process committed before the call. The access log and the {@code memory:read},
 * {@code memory:write} and {@code memory:conflict} listeners are the process's own: they record and hear the
 * operations made through this process; broadcasts reach every process.
 */
@ProviderType
public interface SharedMemory extends AutoCloseable {
    /** The agent id under which the engine itself acts (expiry, overflow notices). */
    String SYSTEM_AGENT = "system";
    /** Longest namespace name or agent id. */
    int MAX_NAME_LENGTH = 256;
    /** Longest key. */
    int MAX_KEY_LENGTH = 1024;
    /** Deepest nesting of maps and lists in a value. */
    int MAX_DEPTH = 64;

    /**
     * Creates a shared memory with the default options and the plugins found by {@link ServiceLoader}.
     *
     * @return a new, empty shared memory; close it when done
     * @throws IllegalStateException when no engine is on the class or module path
     */
    static SharedMemory create() {
        return create(SharedMemoryOptions.defaults());
    }

    /**
     * Creates a shared memory with the given options.
     *
     * @param options the options
     * @return a new, empty shared memory; close it when done
     * @throws IllegalStateException when no engine is on the class or module path (inside OSGi, use the
     *         {@code SharedMemory} service instead)
     */
    static SharedMemory create(SharedMemoryOptions options) {
        java.util.Objects.requireNonNull(options, "options");
        return ServiceLoader.load(SharedMemoryProvider.class, SharedMemory.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get)
                .max(Comparator.comparingInt(SharedMemoryProvider::priority))
                .or(() -> ServiceLoader.load(SharedMemoryProvider.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .max(Comparator.comparingInt(SharedMemoryProvider::priority)))
                .orElseThrow(() -> new IllegalStateException("No sharedmemory engine found: put the "
                        + "io.sharedmemory.engine jar on the class or module path (inside OSGi, use the SharedMemory "
                        + "service)"))
                .create(options);
    }

    /**
     * Creates a namespace with the default configuration, or — when it exists — replaces its configuration with the
     * defaults, keeping its data. Fires {@code namespace:created}. Like the specification, the access log records
     * agents' operations, so a creation is not recorded; a name refused is, as a failed
     * {@link AccessAction#CREATE_NAMESPACE}.
     *
     * @param name the namespace
     * @throws InvalidInputException when the name breaks the limits
     * @throws IllegalStateException when the memory has been destroyed
     */
    void createNamespace(String name);

    /**
     * Creates a namespace, or — when it exists — replaces its configuration, keeping its data (entries already
     * stored keep their deadline; the new TTL applies to later writes). Fires {@code namespace:created} either way
     * (with no reason: reasons are for conflicts). Not recorded in the access log, unless the name is refused (see
     * {@link #createNamespace(String)}).
     *
     * @param name the namespace
     * @param config its configuration; not null
     * @throws InvalidInputException when the name breaks the limits
     * @throws NullPointerException when the configuration is null
     * @throws IllegalStateException when the memory has been destroyed
     * @throws SharedMemoryException when an audit sink is required and none is present
     */
    void createNamespace(String name, NamespaceConfig config);

    /**
     * Creates a namespace on behalf of an agent, or reconfigures an existing one — the form every surface that acts as
     * an agent (the shell, HTTP) uses, where {@link #createNamespace(String, NamespaceConfig)} is the application's.
     *
     * <p>A new namespace may be created by any agent; the agent becomes its admin (the configuration's permissions
     * with {@code agentId → ADMIN} added, unless the configuration names the agent itself). An existing namespace is
     * reconfigured (keeping its data, as {@link #createNamespace(String, NamespaceConfig)} does) only when the agent
     * holds {@link Permission#ADMIN} on it, checked under the same barrier as the other administrative operations;
     * the agent stays its admin unless the new configuration names it. Both outcomes and every refusal are recorded
     * in the access log as {@link AccessAction#CREATE_NAMESPACE}; both fire {@code namespace:created} with the agent.
     * Under {@link IdentityMode#AUTHENTICATED} a bare agent id is refused: use
     * {@link AgentSession#createNamespace(String, NamespaceConfig)}.
     *
     * @param name the namespace
     * @param config its configuration; not null
     * @param agentId the acting agent
     * @return true when the namespace was created, false when an existing one was reconfigured
     * @throws AccessDeniedException when the namespace exists and the agent is not its admin, or a bare id is refused;
     *         nothing changed
     * @throws InvalidInputException when the name or the agent id breaks the limits
     * @throws NullPointerException when the configuration is null
     * @throws IllegalStateException when the memory has been destroyed
     * @throws SharedMemoryException when an audit sink is required and none is present
     * @since 1.1
     */
    boolean createNamespace(String name, NamespaceConfig config, String agentId);

    /**
     * The permission an agent has in a namespace, as every operation checks it (the highest-ranked permission provider
     * asked with the namespace's current configuration; none present, failing or answering null → {@code NONE}). A
     * query about the configuration, like {@link #getNamespaceConfig}: not recorded in the access log.
     *
     * @param namespace the namespace
     * @param agentId the agent
     * @return the effective permission; {@link Permission#NONE} when the namespace does not exist or an argument
     *         breaks the limits
     * @since 1.1
     */
    Permission permission(String namespace, String agentId);

    /**
     * @param name a namespace
     * @return its current configuration (with the permissions as last updated), or empty when it does not exist
     */
    Optional<NamespaceConfig> getNamespaceConfig(String name);

    /** @return the names of the existing namespaces, sorted */
    List<String> getNamespaces();

    /**
     * Writes a value. See {@link #write(String, String, Object, String, WriteOptions)}.
     *
     * @param namespace the namespace
     * @param key the key
     * @param value a JSON-like value
     * @param agentId the writing agent, which needs {@link Permission#WRITE}
     * @return what happened
     */
    WriteResult write(String namespace, String key, Object value, String agentId);

    /**
     * Writes a value, stored as an immutable snapshot with version = previous version + 1 (1 for a new key).
     *
     * <p>When the key holds a live entry, the namespace's conflict strategy decides (the first write of a key is
     * accepted without asking it). With {@link WriteOptions.Builder#expectedVersion expectedVersion}, the write is a
     * compare-and-set whatever the strategy: it happens only at that version, and then only if the strategy accepts it
     * (so of racing writers with one expected version at most one wins, and exactly one when the strategy accepts;
     * {@code first-wins} accepts no update of a key holding a live entry). Fires {@code memory:write} and notifies subscribers on success; fires
     * {@code memory:conflict} when denied, rejected or mismatched. Never throws for bad input: the result says
     * {@link WriteResult.Status#INVALID}.
     *
     * @param namespace the namespace
     * @param key the key
     * @param value a JSON-like value
     * @param agentId the writing agent, which needs {@link Permission#WRITE}
     * @param options metadata and expected version
     * @return what happened
     */
    WriteResult write(String namespace, String key, Object value, String agentId, WriteOptions options);

    /**
     * Reads a value. Fires {@code memory:read} when found.
     *
     * @param <T> the type the caller expects (an unchecked cast)
     * @param namespace the namespace
     * @param key the key
     * @param agentId the reading agent, which needs {@link Permission#READ}
     * @return the value (immutable), or null when the key is missing or expired, the namespace is missing, the agent
     *         may not read, or an argument breaks the limits — the access log says which
     */
    <T> T read(String namespace, String key, String agentId);

    /**
     * Reads a whole entry: value, owner, timestamp, version, metadata, expiry. Same rules as {@link #read}.
     *
     * @param namespace the namespace
     * @param key the key
     * @param agentId the reading agent, which needs {@link Permission#READ}
     * @return the entry, or empty where {@link #read} returns null
     */
    Optional<MemoryEntry> readEntry(String namespace, String key, String agentId);

    /**
     * Deletes a key. Notifies subscribers with {@link ChangeAction#DELETE}.
     *
     * @param namespace the namespace
     * @param key the key
     * @param agentId the deleting agent, which needs {@link Permission#WRITE}
     * @return true when a live entry was deleted; false otherwise (missing or expired key, missing namespace, denied,
     *         bad input — the access log says which)
     */
    boolean delete(String namespace, String key, String agentId);

    /**
     * @param namespace the namespace
     * @param agentId the agent, which needs {@link Permission#READ}
     * @return the keys of the live entries, sorted, unmodifiable; or null when the namespace is missing or the agent may
     *         not read
     */
    List<String> getKeys(String namespace, String agentId);

    /**
     * @param namespace the namespace
     * @param agentId the agent, which needs {@link Permission#READ}
     * @return key → value of the live entries, in key order, unmodifiable; or null when the namespace is missing or the
     *         agent may not read
     */
    Map<String, Object> getAll(String namespace, String agentId);

    /**
     * Subscribes to a namespace's changes: {@link ChangeAction#WRITE}, {@code DELETE}, {@code BROADCAST},
     * {@code EXPIRE}, and a last {@code OVERFLOW} if the subscriber falls too far behind. Delivery starts with the first
     * change committed after this method returns; see {@link Subscription} for threads and order. A callback that
     * throws is logged and keeps receiving later events.
     *
     * @param namespace the namespace
     * @param agentId the subscribing agent, which needs {@link Permission#READ}
     * @param callback called once per change; not null
     * @return the subscription; unsubscribe or close it when done
     * @throws NamespaceNotFoundException when the namespace does not exist
     * @throws AccessDeniedException when the agent may not read it
     * @throws InvalidInputException when an argument breaks the limits
     * @throws NullPointerException when the callback is null
     */
    Subscription subscribe(String namespace, String agentId, Consumer<ChangeEvent> callback);

    /**
     * Sends a message to every subscriber of the namespace ({@link ChangeAction#BROADCAST}) and to every
     * {@code memory:broadcast} listener. Stores nothing.
     *
     * @param namespace the namespace
     * @param message a JSON-like message
     * @param agentId the sender, which needs {@link Permission#READ}
     * @throws NamespaceNotFoundException when the namespace does not exist
     * @throws AccessDeniedException when the agent may not read it
     * @throws InvalidInputException when the message is not JSON-like or an argument breaks the limits
     */
    void broadcast(String namespace, Object message, String agentId);

    /**
     * Removes every entry of a namespace, keeping the namespace and its configuration. Subscribers receive a
     * {@link ChangeAction#DELETE} per removed key; fires {@code namespace:cleared}.
     *
     * @param namespace the namespace
     * @param agentId the agent, which needs {@link Permission#ADMIN}
     * @return true when cleared; false when the namespace is missing, the agent is not an admin, or bad input
     */
    boolean clearNamespace(String namespace, String agentId);

    /**
     * Deletes a namespace with its entries; its subscriptions end. Fires {@code namespace:deleted}.
     *
     * @param namespace the namespace
     * @param agentId the agent, which needs {@link Permission#ADMIN}
     * @return true when deleted; false when the namespace is missing, the agent is not an admin, or bad input
     */
    boolean deleteNamespace(String namespace, String agentId);

    /**
     * Sets per-agent permissions in a namespace (merged into the existing overrides; {@link Permission#NONE} removes an
     * agent's access). A check that starts after this returns sees the new permissions, and the subscriptions of agents
     * that may no longer read the namespace end (as when {@link #createNamespace} replaces a configuration). Fires
     * {@code namespace:permissions_updated}.
     *
     * @param namespace the namespace
     * @param permissions agent → permission; no null keys or values
     * @param requestingAgentId the agent asking, which needs {@link Permission#ADMIN}
     * @return true when updated; false when the namespace is missing, the agent is not an admin, or bad input
     */
    boolean updatePermissions(String namespace, Map<String, Permission> permissions, String requestingAgentId);

    /**
     * @return the whole queryable access log, oldest first (empty when no queryable log is installed); with a store
     *         shared by several processes, the log of the operations made through this process (the store's
     *         {@code describe()} names the process)
     */
    List<AccessLogEntry> getAccessLog();

    /**
     * @param query the filter; its limit keeps the newest N matches
     * @return the matching entries, oldest first
     */
    List<AccessLogEntry> getAccessLog(AccessLogQuery query);

    /** @return a snapshot of sizes and counts */
    MemoryStats getStats();

    /**
     * Removes expired entries now, as the periodic cleanup does: subscribers receive {@link ChangeAction#EXPIRE} per
     * key, listeners one {@code memory:cleanup} per namespace with the keys, the access log one
     * {@link AccessAction#EXPIRE} record per key.
     *
     * @return how many entries were removed
     */
    int cleanupExpired();

    /**
     * Registers a listener for one event type. See {@link Registration} for threads and order.
     *
     * @param type the event type
     * @param listener called once per event; not null
     * @return the registration; remove or close it when done
     * @throws NullPointerException when an argument is null
     * @throws IllegalStateException when the memory has been destroyed
     */
    Registration on(EventType type, Consumer<MemoryEvent> listener);

    /**
     * Opens a session for an authenticated agent: the {@link io.sharedmemory.spi.AgentAuthenticator} present proves the
     * credentials (an agent's secret, or a token from an earlier session). Works in both {@link IdentityMode}s; under
     * {@link IdentityMode#AUTHENTICATED} it is the only way to act. The attempt is in the access log either way.
     *
     * @param credentials a secret or a token; not null
     * @return the session, bound to the proven identity
     * @throws AccessDeniedException when the credentials prove nothing (unknown agent, wrong secret, forged, tampered or
     *         expired token) or no authenticator is present; the message never says which, so it leaks nothing
     * @throws IllegalStateException when the memory has been destroyed
     */
    AgentSession session(Credentials credentials);

    /** @return how this memory treats bare agent ids */
    IdentityMode identityMode();

    /**
     * Stops the cleanup, ends every subscription and listener and releases the memory's state. Idempotent. Afterwards
     * reads find nothing, writes report {@link WriteResult.Status#NO_NAMESPACE}, and {@code createNamespace},
     * {@code subscribe} and {@code on} throw {@link IllegalStateException}.
     */
    void destroy();

    /** Same as {@link #destroy()}. */
    @Override
    default void close() {
        destroy();
    }
}
