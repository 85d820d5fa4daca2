package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An authenticated agent's view of the engine: its agent id is a final field set from the authenticator's proof, and
 * every call passes that id to the engine's internal operations (which skip the bare-id refusal of authenticated mode).
 */
final class EngineSession implements AgentSession {
    private final Engine engine;
    private final String agentId;
    private final Instant expiresAt;
    private final String token;
    private final Clock clock;
    private volatile boolean closed;

    EngineSession(Engine engine, String agentId, Instant expiresAt, String token, Clock clock) {
        this.engine = engine;
        this.agentId = agentId;
        this.expiresAt = expiresAt;
        this.token = token;
        this.clock = clock;
    }

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String token() {
        return token;
    }

    @Override
    public boolean isOpen() {
        return !closed && clock.instant().isBefore(expiresAt);
    }

    /** @return null when the session may act, else why not (and the refusal is audited) */
    private String refusal(AccessAction action, String namespace, String key) {
        String why = closed ? "Session closed" : !clock.instant().isBefore(expiresAt) ? "Session expired" : null;
        if (why != null) {
            engine.auditSessionRefusal(agentId, action, namespace, key, why);
        }
        return why;
    }

    @Override
    public boolean createNamespace(String name, NamespaceConfig config) {
        String why = refusal(AccessAction.CREATE_NAMESPACE, name, null);
        if (why != null) {
            throw new AccessDeniedException(why);
        }
        return engine.createNamespace0(name, config, agentId);
    }

    @Override
    public Permission permission(String namespace) {
        return isOpen() ? engine.permission(namespace, agentId) : Permission.NONE;
    }

    @Override
    public WriteResult write(String namespace, String key, Object value) {
        return write(namespace, key, value, WriteOptions.none());
    }

    @Override
    public WriteResult write(String namespace, String key, Object value, WriteOptions options) {
        String why = refusal(AccessAction.WRITE, namespace, key);
        return why != null ? WriteResult.refused(WriteResult.Status.DENIED, 0, why)
                : engine.write0(namespace, key, value, agentId, options);
    }

    @Override
    public <T> T read(String namespace, String key) {
        return refusal(AccessAction.READ, namespace, key) != null ? null : engine.read0(namespace, key, agentId);
    }

    @Override
    public Optional<MemoryEntry> readEntry(String namespace, String key) {
        return refusal(AccessAction.READ, namespace, key) != null ? Optional.empty()
                : engine.readEntry0(namespace, key, agentId);
    }

    @Override
    public boolean delete(String namespace, String key) {
        return refusal(AccessAction.DELETE, namespace, key) == null && engine.delete0(namespace, key, agentId);
    }

    @Override
    public List<String> getKeys(String namespace) {
        return refusal(AccessAction.READ, namespace, null) != null ? null : engine.getKeys0(namespace, agentId);
    }

    @Override
    public Map<String, Object> getAll(String namespace) {
        return refusal(AccessAction.READ, namespace, null) != null ? null : engine.getAll0(namespace, agentId);
    }

    @Override
    public Subscription subscribe(String namespace, Consumer<ChangeEvent> callback) {
        String why = refusal(AccessAction.SUBSCRIBE, namespace, null);
        if (why != null) {
            throw new AccessDeniedException(why);
        }
        return engine.subscribe0(namespace, agentId, callback);
    }

    @Override
    public void broadcast(String namespace, Object message) {
        String why = refusal(AccessAction.BROADCAST, namespace, null);
        if (why != null) {
            throw new AccessDeniedException(why);
        }
        engine.broadcast0(namespace, message, agentId);
    }

    @Override
    public boolean clearNamespace(String namespace) {
        return refusal(AccessAction.CLEAR, namespace, null) == null && engine.clearNamespace0(namespace, agentId);
    }

    @Override
    public boolean deleteNamespace(String namespace) {
        return refusal(AccessAction.DELETE_NAMESPACE, namespace, null) == null
                && engine.deleteNamespace0(namespace, agentId);
    }

    @Override
    public boolean updatePermissions(String namespace, Map<String, Permission> permissions) {
        return refusal(AccessAction.UPDATE_PERMISSIONS, namespace, null) == null
                && engine.updatePermissions0(namespace, permissions, agentId);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "AgentSession[" + agentId + ", expiresAt=" + expiresAt + (isOpen() ? "]" : ", closed]");
    }
}
