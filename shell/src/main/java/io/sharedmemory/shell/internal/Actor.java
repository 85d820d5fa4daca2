package io.sharedmemory.shell.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Who a shell command acts as: a bare agent id (believed in the engine's {@code trusted} identity mode) or the
 * {@link AgentSession} the operator opened with {@code sm:login} (the only way in {@code authenticated} mode).
 */
interface Actor {
    String agentId();

    /** @return whether this is an authenticated session (else a bare agent id) */
    boolean isSession();

    /** @return true when created, false when an existing namespace (which this agent administers) was reconfigured */
    boolean createNamespace(String namespace, NamespaceConfig config);

    WriteResult write(String namespace, String key, Object value, WriteOptions options);

    Optional<MemoryEntry> readEntry(String namespace, String key);

    boolean delete(String namespace, String key);

    List<String> getKeys(String namespace);

    boolean updatePermissions(String namespace, Map<String, Permission> permissions);

    boolean clearNamespace(String namespace);

    boolean deleteNamespace(String namespace);

    void broadcast(String namespace, Object message);

    Subscription subscribe(String namespace, Consumer<ChangeEvent> callback);

    static Actor bare(SharedMemory m, String agent) {
        return new Actor() {
            public String agentId() {
                return agent;
            }

            public boolean isSession() {
                return false;
            }

            public boolean createNamespace(String namespace, NamespaceConfig config) {
                return m.createNamespace(namespace, config, agent);
            }

            public WriteResult write(String namespace, String key, Object value, WriteOptions options) {
                return m.write(namespace, key, value, agent, options);
            }

            public Optional<MemoryEntry> readEntry(String namespace, String key) {
                return m.readEntry(namespace, key, agent);
            }

            public boolean delete(String namespace, String key) {
                return m.delete(namespace, key, agent);
            }

            public List<String> getKeys(String namespace) {
                return m.getKeys(namespace, agent);
            }

            public boolean updatePermissions(String namespace, Map<String, Permission> permissions) {
                return m.updatePermissions(namespace, permissions, agent);
            }

            public boolean clearNamespace(String namespace) {
                return m.clearNamespace(namespace, agent);
            }

            public boolean deleteNamespace(String namespace) {
                return m.deleteNamespace(namespace, agent);
            }

            public void broadcast(String namespace, Object message) {
                m.broadcast(namespace, message, agent);
            }

            public Subscription subscribe(String namespace, Consumer<ChangeEvent> callback) {
                return m.subscribe(namespace, agent, callback);
            }
        };
    }

    static Actor session(AgentSession s) {
        return new Actor() {
            public String agentId() {
                return s.agentId();
            }

            public boolean isSession() {
                return true;
            }

            public boolean createNamespace(String namespace, NamespaceConfig config) {
                return s.createNamespace(namespace, config);
            }

            public WriteResult write(String namespace, String key, Object value, WriteOptions options) {
                return s.write(namespace, key, value, options);
            }

            public Optional<MemoryEntry> readEntry(String namespace, String key) {
                return s.readEntry(namespace, key);
            }

            public boolean delete(String namespace, String key) {
                return s.delete(namespace, key);
            }

            public List<String> getKeys(String namespace) {
                return s.getKeys(namespace);
            }

            public boolean updatePermissions(String namespace, Map<String, Permission> permissions) {
                return s.updatePermissions(namespace, permissions);
            }

            public boolean clearNamespace(String namespace) {
                return s.clearNamespace(namespace);
            }

            public boolean deleteNamespace(String namespace) {
                return s.deleteNamespace(namespace);
            }

            public void broadcast(String namespace, Object message) {
                s.broadcast(namespace, message);
            }

            public Subscription subscribe(String namespace, Consumer<ChangeEvent> callback) {
                return s.subscribe(namespace, callback);
            }
        };
    }
}
