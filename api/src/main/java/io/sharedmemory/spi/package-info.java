/**
 * The plugin SPI: what third-party bundles (and plain-Java jars) implement to change the memory's policies.
 *
 * <p>Three kinds of plugin, each found the same way: inside OSGi as services in the service registry (the engine tracks
 * them dynamically, so a plugin may come, go or be replaced while agents keep running); outside OSGi through
 * {@link java.util.ServiceLoader} ({@code provides … with …} in {@code module-info}, or {@code META-INF/services} on the
 * class path), or handed to {@link io.sharedmemory.api.SharedMemoryOptions.Builder#plugin(Object)} directly.
 * <ul>
 *   <li>{@link io.sharedmemory.spi.ConflictStrategy}: decides what happens when a key that holds a live entry is
 *       written again.</li>
 *   <li>{@link io.sharedmemory.spi.PermissionProvider}: the effective permission of an agent in a namespace.</li>
 *   <li>{@link io.sharedmemory.spi.AuditSink}: receives every access-log entry; an
 *       {@link io.sharedmemory.spi.AccessLog} also answers queries.</li>
 * </ul>
 * Plugins hold no engine state: the engine hands them everything they need on each call.
 */
@Export
@Version("1.3.0")
package io.sharedmemory.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
