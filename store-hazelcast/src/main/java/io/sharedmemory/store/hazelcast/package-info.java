/**
 * The cluster store: one memory shared by the members of a Hazelcast cluster.
 * {@link io.sharedmemory.store.hazelcast.HazelcastStore#on(com.hazelcast.core.HazelcastInstance)} gives the store of a
 * running member, to pass to {@code SharedMemoryOptions.builder().store(...)}. Inside OSGi the bundle also runs a member
 * configured under the PID {@code io.sharedmemory.store.hazelcast} and registers its store as the {@code MemoryStore}
 * service named {@code hazelcast} (choose it with the engine's {@code store=hazelcast}), and the shell command
 * {@code sm:cluster}.
 */
// NOIMPORT: the package holds this bundle's own implementation (a final class), never another bundle's copy
@Export(substitution = Export.Substitution.NOIMPORT)
@Version("1.0.0")
package io.sharedmemory.store.hazelcast;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
