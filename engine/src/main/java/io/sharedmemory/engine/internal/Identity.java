package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessDeniedException;
import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Credentials;
import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.engine.internal.values.Names;
import io.sharedmemory.spi.AgentAuthenticator;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Who acts: the identity mode (in authenticated mode every bare agent id is refused, see
 * {@link Operation#bareRefused()}), and sessions opened with credentials the authenticator proves.
 */
final class Identity {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    static final String AUTH_FAILED_TEXT = "Authentication failed";

    private final Core core;

    Identity(Core core) {
        this.core = core;
    }

    IdentityMode mode() {
        return core.settings.identity();
    }

    AgentSession session(Engine engine, Credentials credentials) {
        Objects.requireNonNull(credentials, "credentials");
        core.requireAlive();
        Operation op = new Operation(core, AccessAction.AUTHENTICATE, null, null, credentials.agentId(), true);
        core.requireAudit(op.plugins);
        AgentAuthenticator authenticator = op.plugins.authenticator();
        Optional<AgentAuthenticator.Identity> identity = Optional.empty();
        if (authenticator != null) {
            try {
                identity = authenticator.authenticate(credentials);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "authenticator " + authenticator.getClass().getName() + " failed", e);
            }
        }
        if (identity == null || identity.isEmpty() || !identity.get().expiresAt().isAfter(Instant.ofEpochMilli(op.now))
                || Names.checkAgent(identity.get().agentId()) != null) {
            op.refuse(authenticator == null ? "No authenticator is present" : AUTH_FAILED_TEXT);
            throw new AccessDeniedException(AUTH_FAILED_TEXT);
        }
        AgentAuthenticator.Identity id = identity.get();
        core.audit.record(op.plugins, op.nanos, op.now, id.agentId(), AccessAction.AUTHENTICATE, null, null, true,
                null);
        return new EngineSession(engine, id, authenticator, core.clock);
    }

    /** Records an operation refused by a session that is closed, expired or revoked. */
    void sessionRefused(String agentId, AccessAction action, String namespace, String key, String why) {
        new Operation(core, action, namespace, key, agentId, true).refuse(why);
    }
}
