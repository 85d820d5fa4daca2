/**
 * The project's one JSON codec: {@link io.sharedmemory.json.Json} turns JSON text into the JSON-like Java values the
 * memory stores (maps, lists, strings, numbers, booleans, null inside containers) and back. The shell, the audit file,
 * the stores, the HTTP and MCP surfaces and the benchmarks all read and write JSON through it, so that a value means
 * the same everywhere.
 */
@Export
@Version("1.0.0")
package io.sharedmemory.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
