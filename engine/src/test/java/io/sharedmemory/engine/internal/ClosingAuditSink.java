package io.sharedmemory.engine.internal;

import io.sharedmemory.api.AccessLogEntry;
import io.sharedmemory.spi.AuditSink;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An audit sink that {@link EngineProviderTest} has {@link java.util.ServiceLoader} find through a thread context class
 * loader, to see which plugins a memory closes when it is destroyed. Public, with a public constructor: ServiceLoader
 * needs both.
 */
public final class ClosingAuditSink implements AuditSink, AutoCloseable {
    static final AtomicInteger CREATED = new AtomicInteger();
    static final AtomicInteger CLOSED = new AtomicInteger();
    static volatile boolean failOnClose;

    public ClosingAuditSink() {
        CREATED.incrementAndGet();
    }

    @Override
    public void record(AccessLogEntry entry) {
    }

    @Override
    public void close() throws Exception {
        CLOSED.incrementAndGet();
        if (failOnClose) {
            throw new java.io.IOException("cannot flush");
        }
    }
}
