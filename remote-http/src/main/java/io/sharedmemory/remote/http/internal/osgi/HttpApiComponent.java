package io.sharedmemory.remote.http.internal.osgi;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.MemoryHttpServlet;
import io.sharedmemory.remote.http.OperationCounters;
import io.sharedmemory.remote.http.RemoteSettings;
import jakarta.servlet.Servlet;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
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
 * Serves the {@code SharedMemory} service's HTTP API at {@code /v1/*} through the OSGi servlet whiteboard (Felix HTTP
 * in the distribution): registers a {@link MemoryHttpServlet} while the engine is there, and unregisters it — ending
 * every change stream — when the engine goes or the configuration (PID {@value #PID}) changes. The servlet is
 * registered with prototype scope: each time the HTTP service takes it into use (again after it restarts, for a new
 * port in {@code conf/}) it gets a new one, since a destroyed servlet's change streams and feeds are gone for good. The port and the
 * address are the HTTP service's ({@code org.osgi.service.http.port}, {@code org.apache.felix.http.host}).
 * {@code GET /v1/stats} counts operations with the {@link CountingSinkComponent}'s counters; {@code GET /v1/plugins}
 * reads the service registry ({@link OsgiPluginCatalog}).
 */
@Requirement(namespace = "osgi.implementation", name = "osgi.http", version = "2.0")
@Component(configurationPid = HttpApiComponent.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = HttpApiComponent.Config.class)
public final class HttpApiComponent {
    static final String PID = "io.sharedmemory.remote.http";

    @ObjectClassDefinition(name = "sharedmemory HTTP API",
            description = "Limits of the /v1 HTTP/JSON API and of its change streams.")
    @interface Config {
        @AttributeDefinition(name = "Request body limit (bytes)",
                description = "Larger bodies are refused with 413 before they are read.", min = "1024")
        int maxBodyBytes() default RemoteSettings.DEFAULT_MAX_BODY_BYTES;

        @AttributeDefinition(name = "Retained events per feed",
                description = "Events of each agent's stream of a namespace kept for resuming with Last-Event-ID.",
                min = "1")
        int feedEvents() default 1000;

        @AttributeDefinition(name = "Retained bytes per feed", description = "At most this much JSON is kept per feed.",
                min = "1024")
        long feedBytes() default 32L * 1024 * 1024;

        @AttributeDefinition(name = "Feed linger (s)",
                description = "How long a feed and its events outlive its last stream or poll.", min = "1")
        long feedLingerSeconds() default 300;

        @AttributeDefinition(name = "Heartbeat (s)", description = "Idle streams get a comment line this often.",
                min = "1")
        long heartbeatSeconds() default 15;

        @AttributeDefinition(name = "Cached sessions", description = "Bearer tokens whose sessions are kept open.",
                min = "1")
        int sessionCacheSize() default 10_000;

        @AttributeDefinition(name = "Allowed browser origins",
                description = "Requests carrying another Origin header are refused (scheme://host:* for any port).")
        String[] allowedOrigins() default {"http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*",
                "https://localhost:*", "https://127.0.0.1:*", "https://[::1]:*"};
    }

    private final ServiceRegistration<Servlet> registration;

    @Activate
    public HttpApiComponent(@Reference SharedMemory memory, @Reference OperationCounters counters, Config config,
                            BundleContext context) {
        RemoteSettings settings = RemoteSettings.builder()
                .maxBodyBytes(config.maxBodyBytes())
                .feedEvents(config.feedEvents())
                .feedBytes(config.feedBytes())
                .feedLinger(Duration.ofSeconds(config.feedLingerSeconds()))
                .heartbeat(Duration.ofSeconds(config.heartbeatSeconds()))
                .sessionCacheSize(config.sessionCacheSize())
                .allowedOrigins(Arrays.asList(config.allowedOrigins()))
                .build();
        OsgiPluginCatalog catalog = new OsgiPluginCatalog(context, memory);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", "/v1/*");
        props.put("osgi.http.whiteboard.servlet.name", "sharedmemory-v1");
        props.put("osgi.http.whiteboard.servlet.asyncSupported", Boolean.TRUE);
        this.registration = context.registerService(Servlet.class, new PrototypeServiceFactory<>() {
            @Override
            public Servlet getService(Bundle bundle, ServiceRegistration<Servlet> r) {
                return new MemoryHttpServlet(memory, settings, counters, catalog);
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
