/**
 * Durable audit: {@link io.sharedmemory.audit.JsonLinesAuditSink}, an append-only file of one JSON object per
 * access-log entry, for operators and for tools that ship audit trails elsewhere.
 *
 * <p>Inside OSGi the bundle also registers, as services, a file sink configured under the PID
 * {@code io.sharedmemory.audit.file} (properties {@code path}, default {@code audit/access.jsonl} relative to the
 * working directory, and {@code fsync}, default false) and the in-memory access log that answers
 * {@code SharedMemory.getAccessLog} queries. Outside OSGi the in-memory log is found by
 * {@link java.util.ServiceLoader}; a file sink is opened with
 * {@link io.sharedmemory.audit.JsonLinesAuditSink#open(java.nio.file.Path)} and handed to
 * {@code SharedMemoryOptions.Builder.plugin}.
 */
// NOIMPORT: the package holds this bundle's own implementation (a final class), so another bundle's copy of it must
// never be substituted for it
@Export(substitution = Export.Substitution.NOIMPORT)
@Version("1.1.0")
package io.sharedmemory.audit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
