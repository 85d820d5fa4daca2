package io.sharedmemory.spi;

import io.sharedmemory.api.AccessLogQuery;
import io.sharedmemory.api.AccessLogEntry;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An {@link AuditSink} that also keeps entries and answers {@link io.sharedmemory.api.SharedMemory#getAccessLog}
 * queries. The engine answers from the highest-ranked one present (inside OSGi by {@code service.ranking}); when none is
 * present, queries return an empty list. The engine tells it the capacity it should keep with {@link #capacity(int)}
 * when it binds and whenever its {@code maxLogSize} changes.
 */
@ConsumerType
public interface AccessLog extends AuditSink {
    /**
     * @param query the filter; its limit keeps the newest N matches
     * @return the matching entries, oldest first; a snapshot the caller may keep
     */
    List<AccessLogEntry> query(AccessLogQuery query);

    /** @return how many entries it holds now */
    long size();

    /**
     * Sets how many entries to keep; the oldest beyond it are dropped. Called by the engine; may be called while
     * entries are being recorded.
     *
     * @param maxEntries at least 1
     */
    void capacity(int maxEntries);
}
