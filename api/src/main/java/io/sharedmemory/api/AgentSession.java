package io.sharedmemory.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The shared memory as one authenticated agent sees it: the operations of {@link SharedMemory} without the
 * {@code agentId} parameter. The identity is fixed when the session is opened by
 * {@link SharedMemory#session(Credentials)}; nothing a caller passes can change it, and every access-log entry made
 * through the session carries it. Thread-safe.
 *
 * <p>After {@link #expiresAt()} or {@link #close()}, every operation is refused as if the agent had no permission
 * (with "Session expired" or "Session closed" in the access log), and the throwing operations throw
 * {@link AccessDeniedException}.
 */
@ProviderType
public interface AgentSession extends AutoCloseable {
    /** @return the authenticated agent */
    String agentId();

    /** @return when the session stops working */
    Instant expiresAt();

    /** @return a signed token that opens a new session for the same agent until {@link #expiresAt()} */
    String token();

    /** @return whether the session still works (not closed, not expired) */
    boolean isOpen();

    /**
     * See {@link SharedMemory#createNamespace(String, NamespaceConfig, String)}: creates a namespace with this agent as
     * its admin, or reconfigures one this agent administers.
     *
     * @since 1.1
     */
    boolean createNamespace(String name, NamespaceConfig config);

    /**
     * See {@link SharedMemory#permission(String, String)}.
     *
     * @since 1.1
     */
    Permission permission(String namespace);

    /** See {@link SharedMemory#write(String, String, Object, String)}. */
    WriteResult write(String namespace, String key, Object value);

    /** See {@link SharedMemory#write(String, String, Object, String, WriteOptions)}. */
    WriteResult write(String namespace, String key, Object value, WriteOptions options);

    /** See {@link SharedMemory#read(String, String, String)}. */
    <T> T read(String namespace, String key);

    /** See {@link SharedMemory#readEntry(String, String, String)}. */
    Optional<MemoryEntry> readEntry(String namespace, String key);

    /** See {@link SharedMemory#delete(String, String, String)}. */
    boolean delete(String namespace, String key);

    /** See {@link SharedMemory#getKeys(String, String)}. */
    List<String> getKeys(String namespace);

    /** See {@link SharedMemory#getAll(String, String)}. */
    Map<String, Object> getAll(String namespace);

    /** See {@link SharedMemory#subscribe(String, String, Consumer)}. */
    Subscription subscribe(String namespace, Consumer<ChangeEvent> callback);

    /** See {@link SharedMemory#broadcast(String, Object, String)}. */
    void broadcast(String namespace, Object message);

    /** See {@link SharedMemory#clearNamespace(String, String)}. */
    boolean clearNamespace(String namespace);

    /** See {@link SharedMemory#deleteNamespace(String, String)}. */
    boolean deleteNamespace(String namespace);

    /** See {@link SharedMemory#updatePermissions(String, Map, String)}. */
    boolean updatePermissions(String namespace, Map<String, Permission> permissions);

    /** Ends the session; its subscriptions stay until unsubscribed. Idempotent. */
    @Override
    void close();
}
