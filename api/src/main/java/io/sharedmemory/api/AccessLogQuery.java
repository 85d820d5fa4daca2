package io.sharedmemory.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A filter over the access log. Every criterion is optional; an empty query matches everything. Immutable; build with
 * {@link #builder()}.
 */
public final class AccessLogQuery {
    private static final AccessLogQuery ALL = builder().build();

    private final String agentId;
    private final String namespace;
    private final AccessAction action;
    private final Boolean success;
    private final Instant since;
    private final int limit;

    private AccessLogQuery(Builder b) {
        this.agentId = b.agentId;
        this.namespace = b.namespace;
        this.action = b.action;
        this.success = b.success;
        this.since = b.since;
        this.limit = b.limit;
    }

    /** @return the query that matches every entry */
    public static AccessLogQuery all() {
        return ALL;
    }

    /** @return a builder of a query that matches everything */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the agent to match, or null for any */
    public String agentId() {
        return agentId;
    }

    /** @return the namespace to match, or null for any */
    public String namespace() {
        return namespace;
    }

    /** @return the action to match, or null for any */
    public AccessAction action() {
        return action;
    }

    /** @return the outcome to match, or null for any */
    public Boolean success() {
        return success;
    }

    /** @return the earliest timestamp to match (inclusive), or null for any */
    public Instant since() {
        return since;
    }

    /** @return how many of the newest matches to return; 0 = all */
    public int limit() {
        return limit;
    }

    /**
     * @param entry an entry
     * @return whether the entry meets every criterion except the limit
     */
    public boolean matches(AccessLogEntry entry) {
        return (agentId == null || agentId.equals(entry.agentId()))
                && (namespace == null || namespace.equals(entry.namespace()))
                && (action == null || action == entry.action())
                && (success == null || success == entry.success())
                && (since == null || entry.timestampMillis() >= since.toEpochMilli());
    }

    @Override
    public String toString() {
        return "AccessLogQuery[agentId=" + agentId + ", namespace=" + namespace + ", action=" + action
                + ", success=" + success + ", since=" + since + ", limit=" + limit + "]";
    }

    /** Builds an {@link AccessLogQuery}. Not thread-safe. */
    public static final class Builder {
        private String agentId;
        private String namespace;
        private AccessAction action;
        private Boolean success;
        private Instant since;
        private int limit;

        private Builder() {
        }

        /** @param agentId only entries of this agent; null for any @return this builder */
        public Builder agentId(String agentId) {
            this.agentId = agentId;
            return this;
        }

        /** @param namespace only entries of this namespace; null for any @return this builder */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** @param action only entries of this action; null for any @return this builder */
        public Builder action(AccessAction action) {
            this.action = action;
            return this;
        }

        /** @param success only successes (true) or failures (false); null for both @return this builder */
        public Builder success(Boolean success) {
            this.success = success;
            return this;
        }

        /**
         * @param since only entries at or after this time; null for any
         * @return this builder
         * @throws IllegalArgumentException when the time is outside what epoch milliseconds can hold (before
         *         292 million BC or after 292 million AD; {@code Instant.MIN} and {@code Instant.MAX} among them)
         */
        public Builder since(Instant since) {
            if (since != null) {
                try {
                    since.toEpochMilli();
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("since must be within the range of epoch milliseconds, was "
                            + since);
                }
            }
            this.since = since;
            return this;
        }

        /**
         * @param limit keep only the newest {@code limit} matches; 0 = all
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder limit(int limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be 0 (all) or positive, was " + limit);
            }
            this.limit = limit;
            return this;
        }

        /** @return the query */
        public AccessLogQuery build() {
            return new AccessLogQuery(this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessLogQuery q && limit == q.limit && Objects.equals(agentId, q.agentId)
                && Objects.equals(namespace, q.namespace) && action == q.action
                && Objects.equals(success, q.success) && Objects.equals(since, q.since);
    }

    @Override
    public int hashCode() {
        return Objects.hash(agentId, namespace, action, success, since, limit);
    }
}
