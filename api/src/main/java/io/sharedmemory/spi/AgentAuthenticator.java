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
