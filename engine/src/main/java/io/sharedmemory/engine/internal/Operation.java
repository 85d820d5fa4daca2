package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.plugins.PluginSet;

/**
 * One operation as it goes through the engine: its clock reading, its plugin snapshot, who acts, what, where. Made
 * once at the operation's start (by an {@link Engine} adapter or an {@link EngineSession}); every refusal and success
 * is recorded through it in one call.
 */
final class Operation {
    static final String SESSION_REQUIRED_TEXT = "Identity mode is authenticated: act through a session "
            + "(SharedMemory.session(credentials)), not a bare agent id";

    final Core core;
    final PluginSet plugins;
    final AccessAction action;
    final String namespace;
    final String key;
    final String agentId;
    /** Whether an authenticated session acts (else a bare agent id). */
    final boolean viaSession;
    long nanos;
    long now;

    Operation(Core core, AccessAction action, String namespace, String key, String agentId, boolean viaSession) {
        this.core = core;
        this.nanos = System.nanoTime();
        this.now = core.millisAt(nanos);
        this.plugins = core.plugins();
        this.action = action;
        this.namespace = namespace;
        this.key = key;
        this.agentId = agentId;
        this.viaSession = viaSession;
    }

    /** Reads the clock again, for a step that must judge expiry after slow work (a large value's snapshot). */
    void restamp() {
        nanos = System.nanoTime();
        now = core.millisAt(nanos);
    }

    /** @return whether this is a bare agent id that the authenticated mode refuses (and records the refusal) */
    boolean bareRefused() {
        if (viaSession || core.settings.identity() != IdentityMode.AUTHENTICATED) {
            return false;
        }
        refuse(SESSION_REQUIRED_TEXT);
        return true;
    }

    /** Records the operation's success. */
    void succeed() {
        core.audit.record(plugins, nanos, now, agentId, action, namespace, key, true, null);
    }

    /**
     * Records the operation's refusal.
     *
     * @return false, what the boolean operations then return
     */
    boolean refuse(String why) {
        core.audit.record(plugins, nanos, now, agentId, action, namespace, key, false, why);
        return false;
    }

    /** Records the refusal; null, what the reading operations then return. */
    <T> T refuseNull(String why) {
        refuse(why);
        return null;
    }

    /** Records a refused write: the result says {@code message}, the access log {@code logText}. */
    WriteResult refuseWrite(WriteResult.Status status, long version, String message, String logText) {
        refuse(logText);
        return WriteResult.refused(status, version, message);
    }

    WriteResult refuseWrite(WriteResult.Status status, long version, String message) {
        return refuseWrite(status, version, message, message);
    }

    /** @return the acting agent's permission in the namespace, from this operation's plugins (fail closed) */
    Permission permission(Namespace ns) {
        return PluginPolicy.permission(plugins, ns.name, agentId, ns.config);
    }
}
