package io.sharedmemory.api;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration of one namespace. Immutable; build with {@link #builder()} or change a copy with
 * {@link #toBuilder()}.
 *
 * <p>Defaults: {@link Permission#READ} for agents without an override, no overrides, strategy {@code "latest-wins"},
 * no custom resolver, {@code maxEntries} 0 (unlimited), TTL {@link Duration#ZERO} (entries never expire).
 *
 * <p>The strategy is named, not bound: a namespace may name a strategy that is not installed yet; writes to it are then
 * refused with {@link WriteResult.Status#STRATEGY_UNAVAILABLE} until a strategy of that name appears. The built-in names
 * are {@value #LATEST_WINS}, {@value #FIRST_WINS}, {@value #MERGE}, {@value #VERSION} and {@value #CUSTOM}.
 */
public final class NamespaceConfig {
    /** Strategy name: the last write wins (the default). */
    public static final String LATEST_WINS = "latest-wins";
    /** Strategy name: the first write of a key wins, later writes are rejected. */
    public static final String FIRST_WINS = "first-wins";
    /** Strategy name: maps merge (incoming wins per key), lists concatenate, anything else is replaced. */
    public static final String MERGE = "merge";
    /** Strategy name: an update of an existing key must state the version it expects. */
    public static final String VERSION = "version";
    /** Strategy name: the namespace's own {@link ConflictResolver} decides. */
    public static final String CUSTOM = "custom";

    /** The longest accepted TTL (100 years); longer ones are refused, so that no deadline overflows. */
    public static final Duration MAX_TTL = Duration.ofDays(36_500);

    private static final NamespaceConfig DEFAULTS = builder().build();

    private final Permission defaultPermission;
    private final Map<String, Permission> permissions;
    private final String conflictStrategy;
    private final ConflictResolver conflictResolver;
    private final int maxEntries;
    private final Duration ttl;

    private NamespaceConfig(Builder b) {
        this.defaultPermission = b.defaultPermission;
        this.permissions = Collections.unmodifiableMap(new LinkedHashMap<>(b.permissions));
        this.conflictStrategy = b.conflictStrategy;
        this.conflictResolver = b.conflictResolver;
        this.maxEntries = b.maxEntries;
        this.ttl = b.ttl;
    }

    /** @return the default configuration */
    public static NamespaceConfig defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding this configuration */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.defaultPermission = defaultPermission;
        b.permissions.putAll(permissions);
        b.conflictStrategy = conflictStrategy;
        b.conflictResolver = conflictResolver;
        b.maxEntries = maxEntries;
        b.ttl = ttl;
        return b;
    }

    /** @return the permission of agents without an override */
    public Permission defaultPermission() {
        return defaultPermission;
    }

    /** @return per-agent overrides, unmodifiable, in insertion order */
    public Map<String, Permission> permissions() {
        return permissions;
    }

    /** @return the name of the conflict strategy */
    public String conflictStrategy() {
        return conflictStrategy;
    }

    /** @return the resolver used by the {@code custom} strategy, if any */
    public Optional<ConflictResolver> conflictResolver() {
        return Optional.ofNullable(conflictResolver);
    }

    /** @return the most live entries the namespace holds; 0 = unlimited */
    public int maxEntries() {
        return maxEntries;
    }

    /** @return how long an entry lives after its last write; {@link Duration#ZERO} = forever */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamespaceConfig c
                && defaultPermission == c.defaultPermission
                && permissions.equals(c.permissions)
                && conflictStrategy.equals(c.conflictStrategy)
                && Objects.equals(conflictResolver, c.conflictResolver)
                && maxEntries == c.maxEntries
                && ttl.equals(c.ttl);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaultPermission, permissions, conflictStrategy, conflictResolver, maxEntries, ttl);
    }

    @Override
    public String toString() {
        return "NamespaceConfig[defaultPermission=" + defaultPermission + ", permissions=" + permissions
                + ", conflictStrategy=" + conflictStrategy + (conflictResolver == null ? "" : ", conflictResolver=set")
                + ", maxEntries=" + maxEntries + ", ttl=" + ttl + "]";
    }

    /**
     * Builds a {@link NamespaceConfig}. Not thread-safe. Every setter checks its argument at once and throws
     * {@link IllegalArgumentException} (or {@link NullPointerException} for null, where null has no documented
     * meaning) with a message saying what is accepted.
     */
    public static final class Builder {
        private Permission defaultPermission = Permission.READ;
        private final Map<String, Permission> permissions = new LinkedHashMap<>();
        private String conflictStrategy = LATEST_WINS;
        private ConflictResolver conflictResolver;
        private int maxEntries;
        private Duration ttl = Duration.ZERO;

        private Builder() {
        }

        /**
         * @param permission the permission of agents without an override; {@link Permission#NONE} for none, and null
         *        means the same (the specification's {@code defaultPermission: null}, "no default access")
         * @return this builder
         */
        public Builder defaultPermission(Permission permission) {
            this.defaultPermission = permission == null ? Permission.NONE : permission;
            return this;
        }

        /**
         * Sets one agent's override.
         *
         * @param agentId the agent; not null or blank
         * @param permission its permission
         * @return this builder
         */
        public Builder permission(String agentId, Permission permission) {
            Objects.requireNonNull(agentId, "agentId");
            Objects.requireNonNull(permission, "permission of " + agentId);
            if (agentId.isBlank()) {
                throw new IllegalArgumentException("agentId must not be blank");
            }
            permissions.put(agentId, permission);
            return this;
        }

        /**
         * Adds overrides (replacing those of the same agents).
         *
         * @param permissions agent → permission; not null, no null keys or values
         * @return this builder
         */
        public Builder permissions(Map<String, Permission> permissions) {
            Objects.requireNonNull(permissions, "permissions").forEach(this::permission);
            return this;
        }

        /**
         * @param name the strategy's name, for instance {@value NamespaceConfig#MERGE}; need not be installed yet
         * @return this builder
         */
        public Builder conflictStrategy(String name) {
            Objects.requireNonNull(name, "conflictStrategy");
            if (name.isBlank()) {
                throw new IllegalArgumentException("conflictStrategy must not be blank");
            }
            this.conflictStrategy = name.strip();
            return this;
        }

        /**
         * @param resolver the resolver the {@code custom} strategy consults; null for none (a {@code custom}
         *        namespace without one refuses updates of existing keys with a message saying so)
         * @return this builder
         */
        public Builder conflictResolver(ConflictResolver resolver) {
            this.conflictResolver = resolver;
            return this;
        }

        /**
         * @param maxEntries the most live entries; 0 = unlimited
         * @return this builder
         */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 0) {
                throw new IllegalArgumentException("maxEntries must be 0 (unlimited) or positive, was " + maxEntries);
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * @param ttl how long an entry lives after its last write; {@link Duration#ZERO} = forever; at most
         *        {@link NamespaceConfig#MAX_TTL}; at least one millisecond otherwise
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("ttl must not be negative, was " + ttl);
            }
            if (ttl.compareTo(MAX_TTL) > 0) {
                throw new IllegalArgumentException("ttl must be at most " + MAX_TTL.toDays() + " days, was " + ttl);
            }
            if (!ttl.isZero() && ttl.toMillis() == 0) {
                throw new IllegalArgumentException("ttl must be at least 1 ms (or zero for no expiry), was " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** @return the configuration */
        public NamespaceConfig build() {
            return new NamespaceConfig(this);
        }
    }
}
