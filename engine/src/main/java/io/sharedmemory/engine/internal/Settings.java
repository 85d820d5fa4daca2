package io.sharedmemory.engine.internal;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.SharedMemoryOptions;
import java.time.Duration;

/** The settings that may change while the engine runs (inside OSGi, from Config Admin). Immutable. */
record Settings(int maxLogSize, Duration cleanupInterval, int queueCapacity, long maxValueBytes,
                boolean requireAuditSink, IdentityMode identity) {
    static Settings of(SharedMemoryOptions o) {
        return new Settings(o.maxLogSize(), o.cleanupInterval(), o.listenerQueueCapacity(), o.maxValueBytes(),
                o.requireAuditSink(), o.identity());
    }
}
