/**
 * The durable file store: {@link io.sharedmemory.store.file.FileStore}, a {@link io.sharedmemory.store.MemoryStore}
 * that keeps a memory's namespaces and entries in a directory, so that they survive a restart of the process and a
 * crash, with {@link io.sharedmemory.store.file.Durability} saying how much a power loss may take.
 *
 * <pre>{@code
 * SharedMemory memory = SharedMemory.create(SharedMemoryOptions.builder()
 *         .store(FileStore.open(Path.of("data")))
 *         .build());
 * }</pre>
 *
 * <p>Inside OSGi the bundle registers a {@code MemoryStore} service named {@code file} (service property
 * {@code sharedmemory.store.name=file}), configured under the PID {@code io.sharedmemory.store.file} (properties
 * {@code directory}, default {@code data} relative to the working directory; {@code durability}, {@code BATCHED} or
 * {@code SYNC}; {@code syncIntervalMillis}, default 1000); the engine uses it when its configuration says
 * {@code store=file}.
 */
@Export
@Version("1.0.0")
package io.sharedmemory.store.file;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
