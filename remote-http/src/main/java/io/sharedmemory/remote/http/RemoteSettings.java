package io.sharedmemory.remote.http;

import io.sharedmemory.api.SharedMemoryOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The limits of a remote surface. Immutable; build with {@link #builder()}; every setter checks its argument and throws
 * {@link IllegalArgumentException} with a message naming the setting.
 *
 * <p>Defaults: request bodies up to the engine's default value limit plus 64 KiB for the envelope
 * ({@value #DEFAULT_MAX_BODY_BYTES} bytes); 10 000 cached sessions; each change feed retains its newest 1 000 events
 * and at most 32 MiB of them, for 5 minutes after its last stream or poll; a heartbeat on every idle stream every 15 s;
 * pages of 100 keys by default, 1 000 at most; browser origins {@code http(s)://localhost}, {@code 127.0.0.1} and
 * {@code [::1]} on any port.
 */
public final class RemoteSettings {
    /** The default request-body limit: the engine's default value limit plus 64 KiB for the JSON around the value. */
    public static final int DEFAULT_MAX_BODY_BYTES = SharedMemoryOptions.DEFAULT_MAX_VALUE_BYTES + 64 * 1024;
    /** Origins a browser may send requests from by default: this machine, any port. */
    public static final List<String> LOCAL_ORIGINS = List.of("http://localhost:*", "http://127.0.0.1:*",
            "http://[::1]:*", "https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*");

    private static final RemoteSettings DEFAULTS = builder().build();

    private final int maxBodyBytes;
    private final int sessionCacheSize;
    private final int feedEvents;
    private final long feedBytes;
    private final Duration feedLinger;
    private final Duration heartbeat;
    private final int defaultPageSize;
    private final int maxPageSize;
    private final List<String> allowedOrigins;

    private RemoteSettings(Builder b) {
        this.maxBodyBytes = b.maxBodyBytes;
        this.sessionCacheSize = b.sessionCacheSize;
        this.feedEvents = b.feedEvents;
        this.feedBytes = b.feedBytes;
        this.feedLinger = b.feedLinger;
        this.heartbeat = b.heartbeat;
        this.defaultPageSize = b.defaultPageSize;
        this.maxPageSize = b.maxPageSize;
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
    }

    /** @return the defaults */
    public static RemoteSettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the largest request body accepted, in bytes; larger ones are refused with 413 before they are read */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** @return how many bearer tokens' sessions are kept open for reuse */
    public int sessionCacheSize() {
        return sessionCacheSize;
    }

    /** @return how many of its newest events a change feed keeps for resuming streams and polls */
    public int feedEvents() {
        return feedEvents;
    }

    /** @return how many bytes of JSON a change feed keeps at most (its newest event is always kept) */
    public long feedBytes() {
        return feedBytes;
    }

    /** @return how long a change feed (and its retained events) outlives its last stream or poll */
    public Duration feedLinger() {
        return feedLinger;
    }

    /** @return how often an idle event stream gets a comment line, so that proxies keep it open */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** @return the page size of key and entry listings when the request names none */
    public int defaultPageSize() {
        return defaultPageSize;
    }

    /** @return the largest page size a request may ask for */
    public int maxPageSize() {
        return maxPageSize;
    }

    /**
     * @return the browser origins accepted: a request with an {@code Origin} header not matching one of them is
     *         refused with 403 (requests without the header — every client but a browser — are not affected);
     *         {@code scheme://host:*} matches any port
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * @param origin the value of a request's {@code Origin} header, or null
     * @return whether a request with it is accepted
     */
    public boolean originAllowed(String origin) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        for (String allowed : allowedOrigins) {
            if (allowed.equals(origin) || allowed.equals("*")) {
                return true;
            }
            if (allowed.endsWith(":*")) {
                String base = allowed.substring(0, allowed.length() - 2);
                if (origin.equals(base) || origin.startsWith(base + ":")
                        && origin.substring(base.length() + 1).chars().allMatch(Character::isDigit)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RemoteSettings[maxBodyBytes=" + maxBodyBytes + ", sessionCacheSize=" + sessionCacheSize
                + ", feedEvents=" + feedEvents + ", feedBytes=" + feedBytes + ", feedLinger=" + feedLinger
                + ", heartbeat=" + heartbeat + ", defaultPageSize=" + defaultPageSize + ", maxPageSize=" + maxPageSize
                + ", allowedOrigins=" + allowedOrigins + "]";
    }

    /** Builds {@link RemoteSettings}. Not thread-safe. */
    public static final class Builder {
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int sessionCacheSize = 10_000;
        private int feedEvents = 1_000;
        private long feedBytes = 32L * 1024 * 1024;
        private Duration feedLinger = Duration.ofMinutes(5);
        private Duration heartbeat = Duration.ofSeconds(15);
        private int defaultPageSize = 100;
        private int maxPageSize = 1_000;
        private List<String> allowedOrigins = LOCAL_ORIGINS;

        private Builder() {
        }

        /** @param bytes the largest request body, at least 1 024 @return this builder */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = atLeast("maxBodyBytes", bytes, 1024);
            return this;
        }

        /** @param size how many sessions to cache, at least 1 @return this builder */
        public Builder sessionCacheSize(int size) {
            this.sessionCacheSize = atLeast("sessionCacheSize", size, 1);
            return this;
        }

        /** @param events events a feed keeps, at least 1 @return this builder */
        public Builder feedEvents(int events) {
            this.feedEvents = atLeast("feedEvents", events, 1);
            return this;
        }

        /** @param bytes bytes of JSON a feed keeps, at least 1 024 @return this builder */
        public Builder feedBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("feedBytes must be at least 1024, was " + bytes);
            }
            this.feedBytes = bytes;
            return this;
        }

        /** @param linger how long an unused feed is kept, at least 1 ms @return this builder */
        public Builder feedLinger(Duration linger) {
            this.feedLinger = positive("feedLinger", linger);
            return this;
        }

        /** @param interval the heartbeat interval of idle streams, at least 1 ms @return this builder */
        public Builder heartbeat(Duration interval) {
            this.heartbeat = positive("heartbeat", interval);
            return this;
        }

        /**
         * @param defaultSize page size when none is asked, at least 1
         * @param maxSize the largest page size, at least {@code defaultSize}
         * @return this builder
         */
        public Builder pageSizes(int defaultSize, int maxSize) {
            atLeast("defaultPageSize", defaultSize, 1);
            atLeast("maxPageSize", maxSize, defaultSize);
            this.defaultPageSize = defaultSize;
            this.maxPageSize = maxSize;
            return this;
        }

        /**
         * @param origins browser origins accepted ({@code scheme://host:port}, {@code scheme://host:*} for any port,
         *        {@code *} for every origin); empty refuses every request that carries an {@code Origin}
         * @return this builder
         */
        public Builder allowedOrigins(List<String> origins) {
            Objects.requireNonNull(origins, "allowedOrigins");
            for (String o : origins) {
                if (o == null || o.isBlank()) {
                    throw new IllegalArgumentException("allowedOrigins must not contain a blank origin");
                }
            }
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        /** @return the settings */
        public RemoteSettings build() {
            return new RemoteSettings(this);
        }

        private static int atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
            return value;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.toMillis() < 1) {
                throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
            }
            return d;
        }
    }
}
