/**
 * Gogo shell commands for an operator (scope {@code sm}) and the executable distribution's SIGTERM hook. An OSGi-only
 * bundle: it exports nothing, its components are found by Declarative Services.
 */
module io.sharedmemory.shell {
    requires io.sharedmemory.api;
    requires io.sharedmemory.json;
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;
    requires static org.apache.felix.gogo.runtime;
}
