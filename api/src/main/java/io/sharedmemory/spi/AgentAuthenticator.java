package io.sharedmemory.spi;

import io.sharedmemory.api.Credentials;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns {@link Credentials} into an authenticated agent identity, for
 * {@link io.sharedmemory.api.SharedMemory#session(Credentials)}.
 *
 * <h2>Contract</h2>
 * Return empty for anything not proven: an unknown agent, a wrong secret, a token that is malformed, forged, tampered
 * with or expired. Compare secrets and signatures in constant time; never log secrets. Thread-safe. Throwing counts as a
 * refusal.
 *
 * <h2>Finding it</h2>
 * Inside OSGi the {@code AgentAuthenticator} service with the highest {@code service.ranking}; outside OSGi the one
 * given to {@link io.sharedmemory.api.SharedMemoryOptions.Builder#plugin(Object)}, else one found by
 * {@link java.util.ServiceLoader}. With none present, every session request is refused.
 */
@ConsumerType
public interface AgentAuthenticator {
    /**
     * @param credentials a secret or a token
     * @return the proven identity, or empty
     */
    Optional<Identity> authenticate(Credentials credentials);

    /**
     * Whether an identity proved earlier is still valid now: false once its agent has been removed from what this
     * authenticator accepts, its token has expired, or its token would no longer verify (a new signing key). The engine
     * asks before an operation of an open session, and before a delivery to a subscription made through one, whenever
     * the authenticator in force is not the one that last validated the session or its {@link #revision()} changed;
     * a session found invalid is closed for good ("Session revoked") and its subscriptions end. Throwing counts as
     * invalid.
     *
     * <p>The default re-verifies the identity's token with {@link #authenticate}; override it when that is costly.
     *
     * @param identity an identity this authenticator, or an earlier configuration of it, proved
     * @return whether the identity may still act
     * @since 1.3
     */
    default boolean isValid(Identity identity) {
        return authenticate(Credentials.token(identity.token()))
                .filter(current -> current.agentId().equals(identity.agentId()))
                .isPresent();
    }

    /**
     * A number that changes whenever what this authenticator accepts may have narrowed (an agent removed, the signing
     * key replaced): the engine then asks {@link #isValid} again for each open session before it acts. Read on every
     * operation of a session, so it must be cheap (a volatile read). The default, 0 for ever, suits an immutable
     * authenticator, which never narrows.
     *
     * @return the current revision
     * @since 1.3
     */
    default long revision() {
        return 0;
    }

    /**
     * Issues an identity for an agent without its secret: how an operator's tool mints a token for an agent that holds
     * no secret (the shell's {@code sm:token}). Only code that holds the authenticator itself can call this, never an
     * agent through the memory; the identity is as good as one proved by a secret.
     *
     * @param agentId the agent
     * @return the identity with a fresh token, or empty when this authenticator does not know the agent or does not
     *         issue tokens this way (the default)
     * @since 1.3
     */
    default Optional<Identity> issue(String agentId) {
        return Optional.empty();
    }

    /**
     * A proven identity.
     *
     * @param agentId the agent
     * @param expiresAt when the identity stops being valid (the session then refuses every operation)
     * @param token a signed token that resumes this identity until {@code expiresAt}, via
     *        {@link Credentials#token(String)}
     */
    record Identity(String agentId, Instant expiresAt, String token) {
        /** Checks that nothing is null. */
        public Identity {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(expiresAt, "expiresAt");
            Objects.requireNonNull(token, "token");
        }
    }
}
