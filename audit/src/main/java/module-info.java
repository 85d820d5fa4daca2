/**
 * Audit sinks: the bounded in-memory access log that answers {@code getAccessLog} queries (found as a service), and
 * {@link io.sharedmemory.audit.JsonLinesAuditSink}, a durable append-only JSON-lines file, the one exported type.
 */
module io.sharedmemory.audit {
    requires transitive io.sharedmemory.api;
    requires io.sharedmemory.json;
    requires io.sharedmemory.groupcommit;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;

    exports io.sharedmemory.audit;

    provides io.sharedmemory.spi.AuditSink with io.sharedmemory.audit.internal.InMemoryAccessLog;
}
