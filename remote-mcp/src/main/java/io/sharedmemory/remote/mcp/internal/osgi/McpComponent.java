package io.sharedmemory.remote.mcp.internal.osgi;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.RemoteSettings;
import io.sharedmemory.remote.mcp.MemoryMcpServlet;
import jakarta.servlet.Servlet;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.annotation.bundle.Requirement;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.PrototypeServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Serves the MCP server at {@code /mcp} through the OSGi servlet whiteboard while the {@code SharedMemory} service is
 * there; configuration PID {@value #PID} (a change restarts it, ending its MCP sessions). The servlet is registered
 * with prototype scope: each time the HTTP service takes it into use (again after it restarts, for a new port in
 * {@code conf/}) it gets a new one, with a new MCP server, since a destroyed servlet's server is closed for good.
 */
@Requirement(namespace = "osgi.implementation", name = "osgi.http", version = "2.0")
@Component(configurationPid = McpComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = McpComponent.Config.class)
public final class McpComponent {
    static final String PID = "io.sharedmemory.remote.mcp";

    @ObjectClassDefinition(name = "sharedmemory MCP server",
            description = "The MCP server at /mcp (Streamable HTTP): which Host and Origin headers it accepts.")
    @interface Config {
        @AttributeDefinition(name = "Allowed hosts",
                description = "Host header values accepted (host:* for any port); requests naming another host are "
                        + "refused (DNS-rebinding protection). Add the name clients use when you bind elsewhere.")
        String[] allowedHosts() default {"localhost:*", "127.0.0.1:*", "[::1]:*", "localhost", "127.0.0.1", "[::1]"};

        @AttributeDefinition(name = "Allowed browser origins",
                description = "Origin header values accepted (scheme://host:* for any port); requests without one "
                        + "are not affected.")
        String[] allowedOrigins() default {"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*",
                "https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*"};

        @AttributeDefinition(name = "Request body limit (bytes)", min = "1024")
        int maxBodyBytes() default RemoteSettings.DEFAULT_MAX_BODY_BYTES;
    }

    private final ServiceRegistration<Servlet> registration;

    @Activate
    public McpComponent(@Reference SharedMemory memory, Config config, BundleContext context) {
        RemoteSettings settings = RemoteSettings.builder()
                .allowedOrigins(Arrays.asList(config.allowedOrigins()))
                .maxBodyBytes(config.maxBodyBytes())
                .build();
        List<String> hosts = Arrays.asList(config.allowedHosts());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/mcp");
        props.put("osgi.http.whiteboard.servlet.name", "sharedmemory-mcp");
        props.put("osgi.http.whiteboard.servlet.asyncSupported", Boolean.TRUE);
        this.registration = context.registerService(Servlet.class, new PrototypeServiceFactory<>() {
            @Override
            public Servlet getService(Bundle bundle, ServiceRegistration<Servlet> r) {
                return new MemoryMcpServlet(memory, settings, hosts);
            }

            @Override
            public void ungetService(Bundle bundle, ServiceRegistration<Servlet> r, Servlet servlet) {
                servlet.destroy(); // idempotent: the HTTP service has usually destroyed it already
            }
        }, props);
    }

    /** Unregisters the servlet: the framework ungets (and so destroys) every instance still in use. */
    @Deactivate
    void deactivate() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping the bundle
        }
    }
}
