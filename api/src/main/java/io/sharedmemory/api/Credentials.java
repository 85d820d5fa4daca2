package io.sharedmemory.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * What an agent presents to open an {@link AgentSession}: its id and secret, or a session token issued earlier. The
 * secret is copied in and can be wiped with {@link #wipe()}; {@link #toString()} never shows it.
 */
public final class Credentials {
    private final String agentId;
    private final char[] secret;
    private final String token;

    private Credentials(String agentId, char[] secret, String token) {
        this.agentId = agentId;
        this.secret = secret;
        this.token = token;
    }

    /**
     * @param agentId the agent; not null
     * @param secret its secret; copied; not null
     * @return credentials of an agent and its secret
     */
    public static Credentials secret(String agentId, char[] secret) {
        return new Credentials(Objects.requireNonNull(agentId, "agentId"),
                Objects.requireNonNull(secret, "secret").clone(), null);
    }

    /**
     * @param token a session token from {@link AgentSession#token()}; not null
     * @return credentials that resume a session
     */
    public static Credentials token(String token) {
        return new Credentials(null, null, Objects.requireNonNull(token, "token"));
    }

    /** @return the claimed agent id, or null for token credentials */
    public String agentId() {
        return agentId;
    }

    /** @return a copy of the secret, or null for token credentials */
    public char[] secret() {
        return secret == null ? null : secret.clone();
    }

    /** @return the token, or null for secret credentials */
    public String token() {
        return token;
    }

    /** Overwrites the secret held by this object. */
    public void wipe() {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }

    @Override
    public String toString() {
        return token != null ? "Credentials[token]" : "Credentials[agentId=" + agentId + ", secret=***]";
    }
}
