/**
 * The HTTP/JSON API of the shared memory ({@code /v1}) with Server-Sent Events of changes, as plain Jakarta servlets
 * (mount {@link io.sharedmemory.remote.http.MemoryHttpServlet} in any servlet container) and, inside OSGi, a
 * component that registers them with the servlet whiteboard. Every request acts as the agent of its bearer token.
 */
module io.sharedmemory.remote.http {
    requires transitive io.sharedmemory.api;
    requires io.sharedmemory.json;
    requires transitive jakarta.servlet;
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.sharedmemory.remote.http;
}
