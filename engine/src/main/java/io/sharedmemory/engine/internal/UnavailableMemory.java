package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.EventType;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.MemoryEvent;
import io.sharedmemory.api.MemoryStats;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Registration;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryException;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.plugins.PluginRegistry;
import io.sharedmemory.spi.AccessLog;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The memory while the store it is configured to use is not there (inside OSGi: its bundle not installed, not yet
 * started, or stopped): every operation is refused, and every agent's refusal is recorded, until the store comes —
 * never a memory on another store than the one configured. Writes say {@code STORE_UNAVAILABLE}; reads return null;
 * the operations that report with a boolean return false; the throwing ones throw {@link SharedMemoryException}.
 */
public final class UnavailableMemory implements SharedMemory {
    private final String why;
    private final PluginRegistry registry;
    private final IdentityMode identity;
    private final AuditTrail audit = new AuditTrail();

    /**
     * @param why what is missing, for the refusals (for instance: the store "file" is not present)
     * @param registry where the audit sinks and the access log are found
     */
    public UnavailableMemory(String why, PluginRegistry registry, IdentityMode identity) {
        this.why = why;
        this.registry = registry;
        this.identity = identity;
    }

    private String refuse(AccessAction action, String namespace, String key, String agentId) {
        long nanos = System.nanoTime();
        audit.record(registry.plugins(), nanos, System.currentTimeMillis(), agentId, action, namespace, key, false,
                why);
        return why;
    }

    private SharedMemoryException unavailable() {
        return new SharedMemoryException(why);
    }

    @Override
    public void createNamespace(String name) {
        throw unavailable();
    }

    @Override
    public void createNamespace(String name, NamespaceConfig config) {
        throw unavailable();
    }

    @Override
    public boolean createNamespace(String name, NamespaceConfig config, String agentId) {
        refuse(AccessAction.CREATE_NAMESPACE, name, null, agentId);
        throw unavailable();
    }

    @Override
    public Optional<NamespaceConfig> getNamespaceConfig(String name) {
        return Optional.empty();
    }

    @Override
    public List<String> getNamespaces() {
        return List.of();
    }

    @Override
    public Permission permission(String namespace, String agentId) {
        return Permission.NONE;
    }

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId) {
        return write(namespace, key, value, agentId, WriteOptions.none());
    }

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId, WriteOptions options) {
        return WriteResult.refused(WriteResult.Status.STORE_UNAVAILABLE, 0,
                refuse(AccessAction.WRITE, namespace, key, agentId));
    }

    @Override
    public <T> T read(String namespace, String key, String agentId) {
        refuse(AccessAction.READ, namespace, key, agentId);
        return null;
    }

    @Override
    public Optional<MemoryEntry> readEntry(String namespace, String key, String agentId) {
        refuse(AccessAction.READ, namespace, key, agentId);
        return Optional.empty();
    }

    @Override
    public boolean delete(String namespace, String key, String agentId) {
        refuse(AccessAction.DELETE, namespace, key, agentId);
        return false;
    }

    @Override
    public List<String> getKeys(String namespace, String agentId) {
        refuse(AccessAction.READ, namespace, null, agentId);
        return null;
    }

    @Override
    public Map<String, Object> getAll(String namespace, String agentId) {
        refuse(AccessAction.READ, namespace, null, agentId);
        return null;
    }

    @Override
    public Subscription subscribe(String namespace, String agentId, Consumer<ChangeEvent> callback) {
        refuse(AccessAction.SUBSCRIBE, namespace, null, agentId);
        throw unavailable();
    }

    @Override
    public void broadcast(String namespace, Object message, String agentId) {
        refuse(AccessAction.BROADCAST, namespace, null, agentId);
        throw unavailable();
    }

    @Override
    public boolean clearNamespace(String namespace, String agentId) {
        refuse(AccessAction.CLEAR, namespace, null, agentId);
        return false;
    }

    @Override
    public boolean deleteNamespace(String namespace, String agentId) {
        refuse(AccessAction.DELETE_NAMESPACE, namespace, null, agentId);
        return false;
    }

    @Override
    public boolean updatePermissions(String namespace, Map<String, Permission> permissions, String agentId) {
        refuse(AccessAction.UPDATE_PERMISSIONS, namespace, null, agentId);
        return false;
    }

    @Override
    public List<AccessLogEntry> getAccessLog() {
        return getAccessLog(AccessLogQuery.all());
    }

    @Override
    public List<AccessLogEntry> getAccessLog(AccessLogQuery query) {
        AccessLog log = registry.plugins().accessLog();
        return log == null ? List.of() : log.query(query);
    }

    @Override
    public MemoryStats getStats() {
        AccessLog log = registry.plugins().accessLog();
        return new MemoryStats(0, 0, log == null ? 0 : log.size(), 0, 0, audit.failures(), List.of(),
                Map.of("state", why));
    }

    @Override
    public int cleanupExpired() {
        return 0;
    }

    @Override
    public Registration on(EventType type, Consumer<MemoryEvent> listener) {
        throw unavailable();
    }

    @Override
    public AgentSession session(Credentials credentials) {
        refuse(AccessAction.AUTHENTICATE, null, null, credentials == null ? null : credentials.agentId());
        throw unavailable();
    }

    @Override
    public IdentityMode identityMode() {
        return identity;
    }

    @Override
    public void destroy() {
        // nothing held
    }

    @Override
    public String toString() {
        return "SharedMemory[unavailable: " + why + "]";
    }
}
