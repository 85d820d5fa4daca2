package io.sharedmemory.console.internal;

import io.sharedmemory.console.ConsoleServlet;
import jakarta.servlet.Servlet;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.annotation.bundle.Capability;
import org.osgi.annotation.bundle.Requirement;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Serves the console at {@code /console/} through the OSGi servlet whiteboard (Felix HTTP in the distribution), beside
 * the HTTP API at {@code /v1}, on the same port. The console needs nothing else from this framework: it talks to
 * {@code /v1} like any other client.
 */
@Requirement(namespace = "osgi.implementation", name = "osgi.http", version = "2.0")
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=jakarta.servlet.Servlet")
@Component(immediate = true, service = {})
public final class ConsoleComponent {
    private final ServiceRegistration<Servlet> registration;

    @Activate
    public ConsoleComponent(BundleContext context) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", new String[] {"/console", "/console/*"});
        props.put("osgi.http.whiteboard.servlet.name", "sharedmemory-console");
        this.registration = context.registerService(Servlet.class, new ConsoleServlet(), props);
    }

    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping the bundle
        }
    }
}
