package io.sharedmemory.permissions;

import io.sharedmemory.api.Credentials;
import io.sharedmemory.spi.AgentAuthenticator;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An {@link AgentAuthenticator} over a fixed set of agents, each with a secret stored only as a
 * {@link SecretHashes salted PBKDF2 hash}, that issues signed, expiring session tokens.
 *
 * <p>Tokens: {@code payload "." base64url(HMAC-SHA-256(key, payload))} with
 * {@code payload = base64url(agentId) "." expiresAtMillis}. The signature covers the payload's exact characters. A token
 * is accepted only when its signature verifies (constant-time comparison), it has not expired, and its agent is still
 * configured — so removing an agent revokes its tokens. The key never leaves this object; it must be at least 32
 * bytes. Secrets are checked in constant time, and an unknown agent costs the same PBKDF2 work as a known one, so timing
 * does not tell which agents exist. Thread-safe and immutable.
 *
 * <pre>{@code
 * AgentAuthenticator auth = ConfiguredAuthenticator.builder()
 *         .agent("worker-1", SecretHashes.hash(secret))
 *         .signingKey(keyBytes)                 // 32+ random bytes, e.g. from a secrets manager
 *         .tokenTtl(Duration.ofHours(1))
 *         .build();
 * SharedMemory memory = SharedMemory.create(SharedMemoryOptions.builder()
 *         .identity(IdentityMode.AUTHENTICATED).plugin(auth).build());
 * }</pre>
 */
public final class ConfiguredAuthenticator implements AgentAuthenticator {
    /** The default lifetime of a session and its token. */
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);
    private static final String HMAC = "HmacSHA256";
    private static final int MIN_KEY_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, String> hashes;
    /** Agents without a secret: they act only through tokens an operator issued ({@link #issue(String)}). */
    private final java.util.Set<String> tokenOnly;
    private final byte[] key;
    private final Duration tokenTtl;
    private final Clock clock;
    private final String decoyHash;

    private ConfiguredAuthenticator(Builder b) {
        this.hashes = Map.copyOf(b.hashes);
        this.tokenOnly = java.util.Set.copyOf(b.tokenOnly);
        this.key = b.key.clone();
        this.tokenTtl = b.tokenTtl;
        this.clock = b.clock;
        this.decoyHash = b.hashes.isEmpty() ? SecretHashes.hash("decoy".toCharArray(), 1000)
                : b.hashes.values().iterator().next();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Optional<Identity> authenticate(Credentials credentials) {
        if (credentials == null) {
            return Optional.empty();
        }
        if (credentials.token() != null) {
            return verifyToken(credentials.token());
        }
        String agent = credentials.agentId();
        char[] secret = credentials.secret();
        try {
            String hash = agent == null ? null : hashes.get(agent);
            // an unknown agent pays for a verification too, so timing does not reveal who exists
            boolean ok = SecretHashes.verify(secret, hash != null ? hash : decoyHash) && hash != null;
            return ok ? Optional.of(identityOf(agent)) : Optional.empty();
        } finally {
            if (secret != null) {
                java.util.Arrays.fill(secret, '\0');
            }
        }
    }

    /**
     * Mints a session for a configured agent (with or without a secret), for an operator's tool such as the shell's
     * {@code sm:token}.
     *
     * @param agentId the agent
     * @return the identity and its signed token, or empty when the agent is not configured
     */
    @Override
    public Optional<Identity> issue(String agentId) {
        return agentId != null && known(agentId) ? Optional.of(identityOf(agentId)) : Optional.empty();
    }

    private boolean known(String agent) {
        return hashes.containsKey(agent) || tokenOnly.contains(agent);
    }

    private Identity identityOf(String agent) {
        long at = clock.instant().plus(tokenTtl).toEpochMilli();
        String payload = B64.encodeToString(agent.getBytes(StandardCharsets.UTF_8)) + "." + at;
        return new Identity(agent, Instant.ofEpochMilli(at), payload + "." + sign(payload));
    }

    private Optional<Identity> verifyToken(String token) {
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0) {
            return Optional.empty();
        }
        String payload = token.substring(0, lastDot);
        // the signature covers the token's exact characters, so no change to any of them goes unnoticed
        if (!MessageDigest.isEqual(sign(payload).getBytes(StandardCharsets.US_ASCII),
                token.substring(lastDot + 1).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\.", -1);
        if (parts.length != 2) {
            return Optional.empty();
        }
        String agent;
        long at;
        try {
            agent = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
            at = Long.parseLong(parts[1]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (clock.millis() >= at || !known(agent)) {
            return Optional.empty();
        }
        return Optional.of(new Identity(agent, Instant.ofEpochMilli(at), token));
    }

    private String sign(String payload) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return B64.encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is missing from this JDK", e);
        }
    }

    /** @return the configured agents' ids, with and without a secret */
    public java.util.Set<String> agents() {
        java.util.Set<String> all = new java.util.TreeSet<>(hashes.keySet());
        all.addAll(tokenOnly);
        return java.util.Collections.unmodifiableSet(all);
    }

    @Override
    public String toString() {
        return "ConfiguredAuthenticator[agents=" + agents() + ", tokenTtl=" + tokenTtl + "]";
    }

    /** Builds a {@link ConfiguredAuthenticator}; each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private final Map<String, String> hashes = new LinkedHashMap<>();
        private final java.util.Set<String> tokenOnly = new java.util.LinkedHashSet<>();
        private byte[] key;
        private Duration tokenTtl = DEFAULT_TOKEN_TTL;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param agentId the agent
         * @param secretHash its secret's hash from {@link SecretHashes#hash(char[])} (never the secret itself)
         * @return this builder
         * @throws IllegalArgumentException when the hash is malformed
         */
        public Builder agent(String agentId, String secretHash) {
            Objects.requireNonNull(agentId, "agentId");
            if (agentId.isBlank()) {
                throw new IllegalArgumentException("agentId must not be blank");
            }
            String why = SecretHashes.check(secretHash);
            if (why != null) {
                throw new IllegalArgumentException("Secret hash of agent \"" + agentId + "\" is " + why);
            }
            tokenOnly.remove(agentId);
            hashes.put(agentId, secretHash.strip());
            return this;
        }

        /**
         * Adds an agent that holds no secret: it cannot open a session with credentials of its own, only with a token
         * an operator minted for it ({@link ConfiguredAuthenticator#issue(String)}, the shell's {@code sm:token}).
         * Removing it from the configuration revokes those tokens, as for any agent.
         *
         * @param agentId the agent
         * @return this builder
         */
        public Builder tokenOnlyAgent(String agentId) {
            Objects.requireNonNull(agentId, "agentId");
            if (agentId.isBlank()) {
                throw new IllegalArgumentException("agentId must not be blank");
            }
            if (hashes.containsKey(agentId)) {
                throw new IllegalArgumentException("agent \"" + agentId + "\" already has a secret");
            }
            tokenOnly.add(agentId);
            return this;
        }

        /**
         * @param key the HMAC-SHA-256 key that signs tokens, at least 32 bytes; copied
         * @return this builder
         */
        public Builder signingKey(byte[] key) {
            Objects.requireNonNull(key, "signingKey");
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("signingKey must be at least " + MIN_KEY_BYTES + " bytes, was "
                        + key.length);
            }
            this.key = key.clone();
            return this;
        }

        /**
         * @param ttl how long a session and its token live, 1 second to 30 days
         * @return this builder
         */
        public Builder tokenTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "tokenTtl");
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
                throw new IllegalArgumentException("tokenTtl must be between 1 second and 30 days, was " + ttl);
            }
            this.tokenTtl = ttl;
            return this;
        }

        /**
         * @param clock the clock for token expiry (tests)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the authenticator
         * @throws IllegalStateException when no signing key was given
         */
        public ConfiguredAuthenticator build() {
            if (key == null) {
                throw new IllegalStateException("a signingKey is required");
            }
            return new ConfiguredAuthenticator(this);
        }
    }
}
