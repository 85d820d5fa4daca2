/**
 * Group commit for append-only files: {@link io.sharedmemory.groupcommit.GroupCommit} lets many threads make what
 * they appended durable with one flush between them, and makes a failed flush final;
 * {@link io.sharedmemory.groupcommit.DurableFiles} holds the one file-system step both of its users need besides (a
 * directory's entries forced to the device). Used by the file store ({@code io.sharedmemory.store.file}: its log is
 * forced through it) and by the JSON-lines audit sink ({@code io.sharedmemory.audit}: its lines are written, and
 * optionally forced, through it).
 */
@Export
@Version("1.2.0")
package io.sharedmemory.groupcommit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
