/**
 * The shared-memory API that agents and applications use.
 *
 * <p>Start with {@link io.sharedmemory.api.SharedMemory}: outside OSGi obtain one with
 * {@link io.sharedmemory.api.SharedMemory#create()}; inside OSGi get the {@code SharedMemory} service from the
 * registry. Every type here is implemented by sharedmemory itself ({@code @ProviderType}) or is an immutable value;
 * the only interfaces a caller implements are {@link io.sharedmemory.api.ConflictResolver} and the
 * {@code java.util.function.Consumer} callbacks.
 */
@Export
@Version("1.2.0")
package io.sharedmemory.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
