/**
 * The storage seam: where a memory keeps its namespaces and entries.
 *
 * <p>A {@link io.sharedmemory.store.MemoryStore} keeps each namespace's configuration and, per namespace, an
 * {@link io.sharedmemory.store.EntryTable} of entries. The engine never changes an entry itself: it hands the table a
 * {@link io.sharedmemory.store.KeyStep} — a pure decision about one key — which the table runs atomically for that key,
 * wherever the key lives (in this process, or on the cluster member that owns it), and installs the
 * {@link io.sharedmemory.store.Decision} it returns. Events, the access log and counters are the engine's effects of a
 * decision; they run in the step's atomic region only for stores that declare
 * {@link io.sharedmemory.store.StoreCapability#LOCAL_STEP}. A store declares what it can do with
 * {@link io.sharedmemory.store.StoreCapability capabilities}; the engine never looks at a store's class.
 *
 * <p>Three stores ship: the engine's in-memory one (the default for plain Java), the durable file store
 * ({@code io.sharedmemory.store.file}, the default of the distribution) and the cluster store
 * ({@code io.sharedmemory.store.hazelcast}). Choose one with
 * {@link io.sharedmemory.api.SharedMemoryOptions.Builder#store(MemoryStore)} in plain Java, or with the engine's
 * {@code store} configuration inside OSGi, where stores are {@code MemoryStore} services named by the service property
 * {@value io.sharedmemory.store.MemoryStore#NAME_PROPERTY}. A store's conformance is checked by the
 * {@code StoreConformance} suite of the engine's test-jar.
 *
 * <p>Version 1.1 adds what a store shared by several processes needs ({@link io.sharedmemory.store.StoreCapability#SHARED}):
 * the engine's {@link io.sharedmemory.store.StoreListener} in the {@link io.sharedmemory.store.StoreContext}, and
 * {@link io.sharedmemory.store.MemoryStore#listen}, {@link io.sharedmemory.store.MemoryStore#awaitReported},
 * {@link io.sharedmemory.store.MemoryStore#broadcast}, {@link io.sharedmemory.store.MemoryStore#awaitNamespace},
 * {@link io.sharedmemory.store.MemoryStore#configuration}, the three-argument
 * {@link io.sharedmemory.store.MemoryStore#saveNamespace(String, io.sharedmemory.api.NamespaceConfig,
 * io.sharedmemory.api.NamespaceConfig) saveNamespace} and {@link io.sharedmemory.store.Decision#agentId()} — each a
 * default method, so a store written for 1.0 still works. Version 1.2 adds {@link io.sharedmemory.store.EntryTable#reads()}
 * (a default method too).
 */
@Export
@Version("1.2.0")
package io.sharedmemory.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
