package io.sharedmemory.api;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of a {@link SharedMemory} created with {@link SharedMemory#create(SharedMemoryOptions)}. Immutable; build with
 * {@link #builder()}.
 *
 * <p>Defaults: {@code maxLogSize} 1000, {@code cleanupInterval} 60 s, {@code listenerQueueCapacity} 10 000,
 * {@code maxValueBytes} 16 MiB, the system UTC clock, plugins from {@link java.util.ServiceLoader} plus none given
 * explicitly, the engine's in-memory store.
 */
public final class SharedMemoryOptions {
    /** Default {@link #maxLogSize()}. */
    public static final int DEFAULT_MAX_LOG_SIZE = 1000;
    /** Default {@link #cleanupInterval()}. */
    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofSeconds(60);
    /** Default {@link #listenerQueueCapacity()}. */
    public static final int DEFAULT_LISTENER_QUEUE_CAPACITY = 10_000;
    /** Default {@link #maxValueBytes()}: 16 MiB. */
    public static final int DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;

    private static final SharedMemoryOptions DEFAULTS = builder().build();

    private final int maxLogSize;
    private final Duration cleanupInterval;
    private final int listenerQueueCapacity;
    private final int maxValueBytes;
    private final Clock clock;
    private final boolean serviceLoader;
    private final boolean requireAuditSink;
    private final IdentityMode identity;
    private final List<Object> plugins;
    private final io.sharedmemory.store.MemoryStore store;
    private final Duration deliverySpin;

    private SharedMemoryOptions(Builder b) {
        this.maxLogSize = b.maxLogSize;
        this.cleanupInterval = b.cleanupInterval;
        this.listenerQueueCapacity = b.listenerQueueCapacity;
        this.maxValueBytes = b.maxValueBytes;
        this.clock = b.clock;
        this.serviceLoader = b.serviceLoader;
        this.requireAuditSink = b.requireAuditSink;
        this.identity = b.identity;
        this.plugins = List.copyOf(b.plugins);
        this.store = b.store;
        this.deliverySpin = b.deliverySpin;
    }

    /**
     * @return how long an idle delivery thread keeps looking for new events before it sleeps; empty for the default
     *         (200 µs, or the system property {@code sharedmemory.deliverySpinMicros})
     * @since 1.2
     */
    public Optional<Duration> deliverySpin() {
        return Optional.ofNullable(deliverySpin);
    }

    /**
     * @return the store the memory keeps its namespaces and entries in, or empty for the engine's in-memory store
     * @since 1.1
     */
    public Optional<io.sharedmemory.store.MemoryStore> store() {
        return Optional.ofNullable(store);
    }

    /** @return the defaults */
    public static SharedMemoryOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return how many entries the queryable in-memory access log keeps (the oldest are dropped first) */
    public int maxLogSize() {
        return maxLogSize;
    }

    /** @return how often expired entries are swept; {@link Duration#ZERO} turns periodic sweeping off */
    public Duration cleanupInterval() {
        return cleanupInterval;
    }

    /** @return how many undelivered events a listener or subscriber may have before it is cut off */
    public int listenerQueueCapacity() {
        return listenerQueueCapacity;
    }

    /** @return the largest accepted value (and metadata), in estimated JSON-encoded bytes */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** @return the clock for timestamps and expiry */
    public Clock clock() {
        return clock;
    }

    /** @return whether plugins are also looked up with {@link java.util.ServiceLoader} */
    public boolean serviceLoader() {
        return serviceLoader;
    }

    /**
     * @return whether operations are refused while no audit sink is present (default false): writes with
     *         {@link WriteResult.Status#AUDIT_UNAVAILABLE}, reads with null, the other operations as they report a
     *         refusal, and the throwing operations with {@link SharedMemoryException}
     */
    public boolean requireAuditSink() {
        return requireAuditSink;
    }

    /** @return how bare agent ids are treated (default {@link IdentityMode#TRUSTED}) */
    public IdentityMode identity() {
        return identity;
    }

    /** @return plugins given explicitly: conflict strategies, permission providers, audit sinks */
    public List<Object> plugins() {
        return plugins;
    }

    @Override
    public String toString() {
        return "SharedMemoryOptions[maxLogSize=" + maxLogSize + ", cleanupInterval=" + cleanupInterval
                + ", listenerQueueCapacity=" + listenerQueueCapacity + ", maxValueBytes=" + maxValueBytes
                + ", clock=" + clock + ", serviceLoader=" + serviceLoader + ", requireAuditSink=" + requireAuditSink
                + ", identity=" + identity + ", plugins=" + plugins.size() + "]";
    }

    /** Builds {@link SharedMemoryOptions}. Not thread-safe; each setter checks its argument at once. */
    public static final class Builder {
        private int maxLogSize = DEFAULT_MAX_LOG_SIZE;
        private Duration cleanupInterval = DEFAULT_CLEANUP_INTERVAL;
        private int listenerQueueCapacity = DEFAULT_LISTENER_QUEUE_CAPACITY;
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private Clock clock = Clock.systemUTC();
        private boolean serviceLoader = true;
        private boolean requireAuditSink;
        private IdentityMode identity = IdentityMode.TRUSTED;
        private final List<Object> plugins = new ArrayList<>();
        private io.sharedmemory.store.MemoryStore store;
        private Duration deliverySpin;

        private Builder() {
        }

        /**
         * How long an idle delivery thread keeps looking for new events (every few microseconds) before it sleeps.
         * Looking costs a core while it lasts and spares a writer the wake-up of a sleeping thread (a system call) per
         * event: worth it when events come faster than every few microseconds (many subscribers of a busy writer), a
         * waste when they come every hundred (a server whose writes arrive over the network, where the spinning thread
         * competes with the request threads for the cores). Zero: a delivery thread sleeps as soon as it has nothing
         * to do. Default 200 µs (or the system property {@code sharedmemory.deliverySpinMicros}).
         *
         * @param spin at least zero, at most one second
         * @return this builder
         * @since 1.2
         */
        public Builder deliverySpin(Duration spin) {
            Objects.requireNonNull(spin, "deliverySpin");
            if (spin.isNegative() || spin.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("deliverySpin must be between 0 and 1 s, was " + spin);
            }
            this.deliverySpin = spin;
            return this;
        }

        /**
         * Chooses where the memory keeps its namespaces and entries — for instance
         * {@code FileStore.open(Path.of("data"))} (module {@code io.sharedmemory.store.file}) to survive restarts, or
         * {@code HazelcastStore.on(instance)} to share them across JVMs. Without it, the engine's in-memory store: the
         * memory starts empty and lives as long as the process. The memory opens the store when it is created (a
         * store that cannot be opened makes {@link SharedMemory#create(SharedMemoryOptions)} throw, naming why) and
         * closes it when it is destroyed; a store serves one memory at a time.
         *
         * @param store the store; not null
         * @return this builder
         * @since 1.1
         */
        public Builder store(io.sharedmemory.store.MemoryStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * @param maxLogSize entries the in-memory access log keeps, 1 to 100 000 000
         * @return this builder
         */
        public Builder maxLogSize(int maxLogSize) {
            if (maxLogSize < 1 || maxLogSize > 100_000_000) {
                throw new IllegalArgumentException("maxLogSize must be between 1 and 100000000, was " + maxLogSize);
            }
            this.maxLogSize = maxLogSize;
            return this;
        }

        /**
         * @param interval how often expired entries are swept; zero turns periodic sweeping off (expired entries are
         *        still never returned, and {@link SharedMemory#cleanupExpired()} sweeps on demand)
         * @return this builder
         */
        public Builder cleanupInterval(Duration interval) {
            Objects.requireNonNull(interval, "cleanupInterval");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("cleanupInterval must not be negative, was " + interval);
            }
            if (!interval.isZero() && interval.toMillis() < 1) {
                throw new IllegalArgumentException("cleanupInterval must be at least 1 ms or zero, was " + interval);
            }
            this.cleanupInterval = interval;
            return this;
        }

        /**
         * @param capacity undelivered events a listener may have before it is cut off, 16 to 16 777 216
         * @return this builder
         */
        public Builder listenerQueueCapacity(int capacity) {
            if (capacity < 16 || capacity > (1 << 24)) {
                throw new IllegalArgumentException(
                        "listenerQueueCapacity must be between 16 and 16777216, was " + capacity);
            }
            this.listenerQueueCapacity = capacity;
            return this;
        }

        /**
         * @param bytes the largest accepted value, in estimated JSON-encoded bytes, at least 64
         * @return this builder
         */
        public Builder maxValueBytes(int bytes) {
            if (bytes < 64) {
                throw new IllegalArgumentException("maxValueBytes must be at least 64, was " + bytes);
            }
            this.maxValueBytes = bytes;
            return this;
        }

        /**
         * @param clock the clock for timestamps and expiry (tests inject a controllable one)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param enabled whether to look plugins up with {@link java.util.ServiceLoader} (default true); with false
         *        only the plugins given to {@link #plugin(Object)} are used
         * @return this builder
         */
        public Builder serviceLoader(boolean enabled) {
            this.serviceLoader = enabled;
            return this;
        }

        /**
         * @param required whether operations are refused while no audit sink is present (default false)
         * @return this builder
         */
        public Builder requireAuditSink(boolean required) {
            this.requireAuditSink = required;
            return this;
        }

        /**
         * @param mode {@link IdentityMode#TRUSTED} (default) or {@link IdentityMode#AUTHENTICATED}
         * @return this builder
         */
        public Builder identity(IdentityMode mode) {
            this.identity = Objects.requireNonNull(mode, "identity");
            return this;
        }

        /**
         * Adds a plugin: a {@link io.sharedmemory.spi.ConflictStrategy}, {@link io.sharedmemory.spi.PermissionProvider},
         * {@link io.sharedmemory.spi.AuditSink} or {@link io.sharedmemory.spi.AgentAuthenticator} (an object may be
         * several). A plugin given here ranks above one
         * of the same kind found by the {@link java.util.ServiceLoader}.
         *
         * @param plugin the plugin
         * @return this builder
         * @throws IllegalArgumentException when the object is none of the plugin kinds
         */
        public Builder plugin(Object plugin) {
            Objects.requireNonNull(plugin, "plugin");
            if (!(plugin instanceof io.sharedmemory.spi.ConflictStrategy
                    || plugin instanceof io.sharedmemory.spi.PermissionProvider
                    || plugin instanceof io.sharedmemory.spi.AuditSink
                    || plugin instanceof io.sharedmemory.spi.AgentAuthenticator)) {
                throw new IllegalArgumentException(plugin.getClass().getName()
                        + " is not a ConflictStrategy, PermissionProvider, AuditSink or AgentAuthenticator");
            }
            plugins.add(plugin);
            return this;
        }

        /** @return the options */
        public SharedMemoryOptions build() {
            return new SharedMemoryOptions(this);
        }
    }
}
