/**
 * An MCP server over the shared memory: the official MCP Java SDK's Streamable HTTP transport at {@code /mcp}, tools
 * and {@code memory://} resources that act as the agent of the request's bearer token. Inside OSGi a component
 * registers it with the servlet whiteboard; elsewhere mount {@link io.sharedmemory.remote.mcp.MemoryMcpServlet}.
 */
module io.sharedmemory.remote.mcp {
    requires transitive io.sharedmemory.api;
    requires io.sharedmemory.json;
    requires transitive io.sharedmemory.remote.http;
    requires transitive jakarta.servlet;
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
    requires com.fasterxml.jackson.databind;
    requires reactor.core;
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.sharedmemory.remote.mcp;
}
