/**
 * The shared memory for LLM agents over the Model Context Protocol: {@link io.sharedmemory.remote.mcp.MemoryMcpServlet}
 * serves the MCP Java SDK's Streamable HTTP transport with the tools {@code whoami}, {@code list_namespaces},
 * {@code list_keys}, {@code get}, {@code put}, {@code delete}, {@code broadcast}, {@code poll_changes},
 * {@code read_access_log} and the resources {@code memory://{namespace}/{key}} (with subscriptions). Every request acts
 * as the agent of its bearer token; no tool takes an agent id.
 */
@Export
@Version("1.0.0")
package io.sharedmemory.remote.mcp;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
