/**
 * The operator console: a static front end served at {@code /console/} ({@link io.sharedmemory.console.ConsoleServlet},
 * a plain Jakarta servlet; inside OSGi a component registers it with the servlet whiteboard). The page talks only to
 * the public {@code /v1} HTTP API, with the signed-in agent's bearer token.
 */
module io.sharedmemory.console {
    requires transitive jakarta.servlet;
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.sharedmemory.console;
}
