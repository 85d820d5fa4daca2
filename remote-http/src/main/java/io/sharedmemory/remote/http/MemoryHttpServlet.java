package io.sharedmemory.remote.http;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.remote.http.internal.Api;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * The HTTP/JSON API of a {@link SharedMemory}, as a plain Jakarta servlet (Servlet 6). Map it at {@code /v1/*} with
 * asynchronous support on (the change streams need it); inside OSGi the {@code io.sharedmemory.remote.http} bundle
 * does that through the servlet whiteboard. In any servlet container, for instance an embedded Jetty 12:
 *
 * <pre>{@code
 * MemoryHttpServlet api = new MemoryHttpServlet(memory, RemoteSettings.defaults());
 * ServletContextHandler context = new ServletContextHandler();
 * ServletHolder holder = new ServletHolder(api);
 * holder.setAsyncSupported(true);
 * context.addServlet(holder, "/v1/*");
 * }</pre>
 *
 * <h2>Identity</h2>
 * Every route but {@code POST /v1/sessions} needs {@code Authorization: Bearer <token>} and acts, through
 * {@link io.sharedmemory.api.AgentSession}, as the agent the token proves (the memory's
 * {@link io.sharedmemory.spi.AgentAuthenticator} verifies it), whatever the memory's identity mode. Nothing in a path,
 * a query or a body names the acting agent. A request whose {@code Origin} header is not one of
 * {@link RemoteSettings#allowedOrigins()} is refused.
 *
 * <h2>Routes</h2>
 * The routes, bodies and status codes are listed in the project's README ("Agents over HTTP and MCP"). JSON bodies
 * use the Java API's field names ({@link JsonViews}); a malformed body, a wrong type, an unknown field or a body over
 * {@link RemoteSettings#maxBodyBytes()} is refused with a 4xx and a JSON {@code {"error","message"}} body before
 * anything changes. Changes stream as Server-Sent Events ({@link ChangeFeeds} has the ids and resume rules).
 *
 * <h2>Figures and plugins</h2>
 * Given {@link OperationCounters} (an audit sink of the same memory), {@code GET /v1/stats} adds the operations per
 * interval of the last minutes over the namespaces the agent may read; given a {@link PluginCatalog},
 * {@code GET /v1/plugins} lists the plugins (404 without one).
 *
 * <p>{@link #destroy()} ends every change stream; it is idempotent.
 */
public final class MemoryHttpServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient java.util.concurrent.atomic.AtomicBoolean destroyed =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final transient BearerSessions sessions;
    private final transient ChangeFeeds feeds;
    private final transient Api api;

    /**
     * @param memory the memory to serve
     */
    public MemoryHttpServlet(SharedMemory memory) {
        this(memory, RemoteSettings.defaults());
    }

    /**
     * @param memory the memory to serve; its authenticator proves the tokens
     * @param settings limits and retention
     */
    public MemoryHttpServlet(SharedMemory memory, RemoteSettings settings) {
        this(memory, settings, null, null);
    }

    /**
     * @param memory the memory to serve; its authenticator proves the tokens
     * @param settings limits and retention
     * @param counters the operation counters of {@code GET /v1/stats}: an audit sink of {@code memory}, started with
     *        {@link OperationCounters#start}; null for none ({@code "operations": null})
     * @param catalog the plugins of {@code GET /v1/plugins}; null for none (the route answers 404)
     * @since 1.1
     */
    public MemoryHttpServlet(SharedMemory memory, RemoteSettings settings, OperationCounters counters,
                             PluginCatalog catalog) {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(settings, "settings");
        this.sessions = new BearerSessions(memory, settings.sessionCacheSize());
        this.feeds = new ChangeFeeds(settings);
        this.api = new Api(memory, settings, sessions, feeds.registry(), counters, catalog);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        api.handle(req, resp);
    }

    /** @return the change feeds of this servlet (their number is a measure of open streams and pollers) */
    public ChangeFeeds changeFeeds() {
        return feeds;
    }

    @Override
    public void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        feeds.close();
        sessions.clear();
        super.destroy();
    }
}
