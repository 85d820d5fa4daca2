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
import io.sharedmemory.spi.AgentAuthenticator;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * An authenticated agent's view of the engine: its agent id is a final field set from the authenticator's proof, and
 * every call passes that id to the engine's internal operations (which skip the bare-id refusal of authenticated mode).
 *
 * <p>Revocation: before each operation, and before each delivery to a subscription made through the session, the
 * session checks that an authenticator is still in force and, when that authenticator or its revision is not the one
 * that last validated the session, asks it again ({@link AgentAuthenticator#isValid}). A session found invalid is
 * revoked for good and the subscriptions made through it end; the check is two volatile reads when nothing changed.
 */
final class EngineSession implements AgentSession {
    static final String REVOKED_TEXT = "Session revoked: its agent or its authenticator is no longer configured";
    static final String ENDED_TEXT = "Session ended: its memory was stopped or restarted; open a new one (the token "
            + "still proves the agent)";

    /** Which authenticator, at which revision, last found the session valid. */
    private record Validation(AgentAuthenticator by, long revision) {
    }

    private final Engine engine;
    private final AgentAuthenticator.Identity identity;
    private final String agentId;
    private final Instant expiresAt;
    private final String token;
    private final Clock clock;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile Validation validated;
    private volatile boolean closed;
    private volatile boolean revoked;

    EngineSession(Engine engine, AgentAuthenticator.Identity identity, AgentAuthenticator provedBy, Clock clock) {
        this.engine = engine;
        this.identity = identity;
        this.agentId = identity.agentId();
        this.expiresAt = identity.expiresAt();
        this.token = identity.token();
        this.clock = clock;
        this.validated = new Validation(provedBy, revisionOf(provedBy));
    }

    private static long revisionOf(AgentAuthenticator a) {
        try {
            return a.revision();
        } catch (RuntimeException e) {
            return Long.MIN_VALUE; // never equal to a later reading: validated again then
        }
    }

    /** @return whether the identity may still act; revokes the session (for good) when not */
    boolean stillValid() {
        if (revoked) {
            return false;
        }
        AgentAuthenticator current = engine.plugins().authenticator();
        if (current == null) {
            return revoke();
        }
        Validation v = validated;
        long revision = revisionOf(current);
        if (v.by() == current && v.revision() == revision && revision != Long.MIN_VALUE) {
            return true;
        }
        boolean valid;
        try {
            valid = current.isValid(identity);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (RuntimeException | Error e) {
            valid = false;
        }
        if (!valid) {
            return revoke();
        }
        validated = new Validation(current, revision);
        return true;
    }

    private boolean revoke() {
        revoked = true;
        for (Subscription s : subscriptions) {
            s.unsubscribe();
        }
        return false;
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
        return !closed && !engine.isDestroyed() && clock.instant().isBefore(expiresAt) && stillValid();
    }

    /** @return null when the session may act, else why not (and the refusal is recorded) */
    private String refusal(AccessAction action, String namespace, String key) {
        String why = closed ? "Session closed" : engine.isDestroyed() ? ENDED_TEXT
                : !clock.instant().isBefore(expiresAt) ? "Session expired" : !stillValid() ? REVOKED_TEXT : null;
        if (why != null) {
            engine.identity.sessionRefused(agentId, action, namespace, key, why);
        }
        return why;
    }

    private Operation op(AccessAction action, String namespace, String key) {
        return engine.sessionOp(action, namespace, key, agentId);
    }

    @Override
    public boolean createNamespace(String name, NamespaceConfig config) {
        String why = refusal(AccessAction.CREATE_NAMESPACE, name, null);
        if (why != null) {
            throw new AccessDeniedException(why);
        }
        return engine.namespaces.createAsAgent(op(AccessAction.CREATE_NAMESPACE, name, null), config);
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
        return why != null ? engine.entries.deniedBeforeStart(op(AccessAction.WRITE, namespace, key), why)
                : engine.entries.write(op(AccessAction.WRITE, namespace, key), value, options);
    }

    @Override
    public <T> T read(String namespace, String key) {
        return refusal(AccessAction.READ, namespace, key) != null ? null
                : engine.entries.read(op(AccessAction.READ, namespace, key));
    }

    @Override
    public Optional<MemoryEntry> readEntry(String namespace, String key) {
        return refusal(AccessAction.READ, namespace, key) != null ? Optional.empty()
                : engine.entries.readEntry(op(AccessAction.READ, namespace, key));
    }

    @Override
    public boolean delete(String namespace, String key) {
        return refusal(AccessAction.DELETE, namespace, key) == null
                && engine.entries.delete(op(AccessAction.DELETE, namespace, key));
    }

    @Override
    public List<String> getKeys(String namespace) {
        return refusal(AccessAction.READ, namespace, null) != null ? null
                : engine.entries.keys(op(AccessAction.READ, namespace, null));
    }

    @Override
    public Map<String, Object> getAll(String namespace) {
        return refusal(AccessAction.READ, namespace, null) != null ? null
                : engine.entries.all(op(AccessAction.READ, namespace, null));
    }

    @Override
    public Subscription subscribe(String namespace, Consumer<ChangeEvent> callback) {
        String why = refusal(AccessAction.SUBSCRIBE, namespace, null);
        if (why != null) {
            throw new AccessDeniedException(why);
        }
        java.util.Objects.requireNonNull(callback, "callback");
        Subscription[] self = new Subscription[1];
        Subscription sub = engine.subscriptions.subscribe(op(AccessAction.SUBSCRIBE, namespace, null), event -> {
            if (stillValid()) {
                callback.accept(event);
            } else if (self[0] != null) {
                self[0].unsubscribe();
            }
        });
        self[0] = sub;
        subscriptions.removeIf(old -> !old.isActive());
        subscriptions.add(sub);
        if (revoked) {
            sub.unsubscribe();
        }
        return sub;
    }

    @Override
    public void broadcast(String namespace, Object message) {
        String why = refusal(AccessAction.BROADCAST, namespace, null);
        if (why != null) {
            throw new AccessDeniedException(why);
        }
        engine.subscriptions.broadcast(op(AccessAction.BROADCAST, namespace, null), message);
    }

    @Override
    public boolean clearNamespace(String namespace) {
        return refusal(AccessAction.CLEAR, namespace, null) == null
                && engine.administration.clear(op(AccessAction.CLEAR, namespace, null));
    }

    @Override
    public boolean deleteNamespace(String namespace) {
        return refusal(AccessAction.DELETE_NAMESPACE, namespace, null) == null
                && engine.namespaces.delete(op(AccessAction.DELETE_NAMESPACE, namespace, null), engine.expiry);
    }

    @Override
    public boolean updatePermissions(String namespace, Map<String, Permission> permissions) {
        return refusal(AccessAction.UPDATE_PERMISSIONS, namespace, null) == null
                && engine.administration.updatePermissions(op(AccessAction.UPDATE_PERMISSIONS, namespace, null),
                permissions);
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
