/**
 * The durable file store: a {@link io.sharedmemory.store.MemoryStore} that keeps a memory's namespaces and entries in
 * a directory (an append-only log of every change, in segments, and periodic snapshots), so that they survive a
 * restart and a crash. {@link io.sharedmemory.store.file.FileStore} in plain Java; a {@code MemoryStore} service named
 * {@code file} inside OSGi.
 */
module io.sharedmemory.store.file {
    requires transitive io.sharedmemory.api;
    requires io.sharedmemory.groupcommit;
    // sun.misc.Unsafe.invokeCleaner, to unmap a log segment once it is forced (found reflectively; see Unmapper)
    requires jdk.unsupported;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;

    exports io.sharedmemory.store.file;
}
