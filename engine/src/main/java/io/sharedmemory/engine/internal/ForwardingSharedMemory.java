package io.sharedmemory.engine.internal;

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
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** A {@link SharedMemory} that hands every call to another one; subclasses choose the delegate and the lifecycle. */
public abstract class ForwardingSharedMemory implements SharedMemory {
    /** @return the memory to forward to */
    protected abstract SharedMemory delegate();

    @Override
    public void createNamespace(String name) {
        delegate().createNamespace(name);
    }

    @Override
    public void createNamespace(String name, NamespaceConfig config) {
        delegate().createNamespace(name, config);
    }

    @Override
    public boolean createNamespace(String name, NamespaceConfig config, String agentId) {
        return delegate().createNamespace(name, config, agentId);
    }

    @Override
    public Permission permission(String namespace, String agentId) {
        return delegate().permission(namespace, agentId);
    }

    @Override
    public Optional<NamespaceConfig> getNamespaceConfig(String name) {
        return delegate().getNamespaceConfig(name);
    }

    @Override
    public List<String> getNamespaces() {
        return delegate().getNamespaces();
    }

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId) {
        return delegate().write(namespace, key, value, agentId);
    }

    @Override
    public WriteResult write(String namespace, String key, Object value, String agentId, WriteOptions options) {
        return delegate().write(namespace, key, value, agentId, options);
    }

    @Override
    public <T> T read(String namespace, String key, String agentId) {
        return delegate().read(namespace, key, agentId);
    }

    @Override
    public Optional<MemoryEntry> readEntry(String namespace, String key, String agentId) {
        return delegate().readEntry(namespace, key, agentId);
    }

    @Override
    public boolean delete(String namespace, String key, String agentId) {
        return delegate().delete(namespace, key, agentId);
    }

    @Override
    public List<String> getKeys(String namespace, String agentId) {
        return delegate().getKeys(namespace, agentId);
    }

    @Override
    public Map<String, Object> getAll(String namespace, String agentId) {
        return delegate().getAll(namespace, agentId);
    }

    @Override
    public Subscription subscribe(String namespace, String agentId, Consumer<ChangeEvent> callback) {
        return delegate().subscribe(namespace, agentId, callback);
    }

    @Override
    public void broadcast(String namespace, Object message, String agentId) {
        delegate().broadcast(namespace, message, agentId);
    }

    @Override
    public boolean clearNamespace(String namespace, String agentId) {
        return delegate().clearNamespace(namespace, agentId);
    }

    @Override
    public boolean deleteNamespace(String namespace, String agentId) {
        return delegate().deleteNamespace(namespace, agentId);
    }

    @Override
    public boolean updatePermissions(String namespace, Map<String, Permission> permissions,
                                     String requestingAgentId) {
        return delegate().updatePermissions(namespace, permissions, requestingAgentId);
    }

    @Override
    public List<AccessLogEntry> getAccessLog() {
        return delegate().getAccessLog();
    }

    @Override
    public List<AccessLogEntry> getAccessLog(AccessLogQuery query) {
        return delegate().getAccessLog(query);
    }

    @Override
    public MemoryStats getStats() {
        return delegate().getStats();
    }

    @Override
    public int cleanupExpired() {
        return delegate().cleanupExpired();
    }

    @Override
    public AgentSession session(Credentials credentials) {
        return delegate().session(credentials);
    }

    @Override
    public IdentityMode identityMode() {
        return delegate().identityMode();
    }

    @Override
    public Registration on(EventType type, Consumer<MemoryEvent> listener) {
        return delegate().on(type, listener);
    }
}
