/**
 * The shared memory over HTTP: {@link io.sharedmemory.remote.http.MemoryHttpServlet}, the {@code /v1} API as a plain
 * Jakarta servlet, and the pieces every remote surface shares — {@link io.sharedmemory.remote.http.BearerSessions}
 * (a bearer token → the agent's {@link io.sharedmemory.api.AgentSession}, cached), {@link
 * io.sharedmemory.remote.http.ChangeFeeds} (each agent's retained, numbered stream of a namespace's changes, for
 * Server-Sent Events and polling) and {@link io.sharedmemory.remote.http.JsonViews} (entries, events, results as JSON
 * objects); {@link io.sharedmemory.remote.http.OperationCounters} (an audit sink counting reads, writes and refusals
 * per namespace for {@code GET /v1/stats}) and {@link io.sharedmemory.remote.http.PluginCatalog} (what
 * {@code GET /v1/plugins} lists). The MCP server ({@code io.sharedmemory.remote.mcp}) is built on them.
 */
@Export
@Version("1.1.0")
package io.sharedmemory.remote.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
