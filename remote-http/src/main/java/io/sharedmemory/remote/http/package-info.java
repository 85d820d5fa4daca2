/**
 * The shared memory over HTTP: {@link io.sharedmemory.remote.http.MemoryHttpServlet}, the {@code /v1} API as a plain
 * Jakarta servlet, and the pieces every remote surface shares — {@link io.sharedmemory.remote.http.BearerSessions}
 * (a bearer token → the agent's {@link io.sharedmemory.api.AgentSession}, cached), {@link
 * io.sharedmemory.remote.http.ChangeFeeds} (each agent's retained, numbered stream of a namespace's changes, for
 * Server-Sent Events and polling) and {@link io.sharedmemory.remote.http.JsonViews} (entries, events, results as JSON
 * objects). The MCP server ({@code io.sharedmemory.remote.mcp}) is built on them.
 */
@Export
@Version("1.0.0")
package io.sharedmemory.remote.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
