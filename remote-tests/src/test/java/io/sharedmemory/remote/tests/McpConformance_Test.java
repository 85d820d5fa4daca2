package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sharedmemory.api.IdentityMode;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.permissions.ConfiguredAuthenticator;
import io.sharedmemory.remote.http.RemoteSettings;
import io.sharedmemory.remote.mcp.MemoryMcpServlet;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The MCP conformance suite ({@code @modelcontextprotocol/conformance} 0.1.13 from npm) against the MCP servlet. The
 * suite cannot send a bearer token, so here the servlet runs in a plain Jetty behind a filter that adds one (the
 * distribution's authentication is proven by the other end-to-end tests); everything else is the servlet as shipped,
 * Host and Origin validation included. The scenarios that apply to a server without the suite's own demo tools,
 * prompts and resources are run; {@code remote-tests/node/conformance-expected-failures.yaml} lists those that do not
 * apply, each with its reason, and the suite fails this test on any other failure (or on an expected failure that
 * passes).
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class McpConformance_Test {
    @Test
    void theConformanceSuitePassesEveryScenarioThatAppliesToThisServer() throws Exception {
        Node.install();
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        ConfiguredAuthenticator auth = ConfiguredAuthenticator.builder().tokenOnlyAgent("conformance")
                .signingKey(key).build();
        String token = auth.issue("conformance").orElseThrow().token();
        try (SharedMemory memory = SharedMemory.create(SharedMemoryOptions.builder()
                .identity(IdentityMode.AUTHENTICATED).plugin(auth).build())) {
            memory.createNamespace("conformance", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                    .build());
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            ServletHolder mcp = new ServletHolder(new MemoryMcpServlet(memory, RemoteSettings.defaults(),
                    MemoryMcpServlet.LOCAL_HOSTS));
            mcp.setAsyncSupported(true);
            context.addServlet(mcp, "/mcp");
            FilterHolder bearer = new FilterHolder((Filter) (request, response, chain) -> chain.doFilter(
                    new WithAuthorization((HttpServletRequest) request, "Bearer " + token), response));
            bearer.setAsyncSupported(true);
            context.addFilter(bearer, "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
            server.setHandler(context);
            server.start();
            try {
                String url = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
                Node.Result r = Node.run(List.of("node_modules/.bin/conformance", "server", "--url", url,
                        "--expected-failures", "conformance-expected-failures.yaml"), 600);
                System.out.println(r.output());
                assertEquals(0, r.exit(), r.output());
            } finally {
                server.stop();
            }
        }
    }

    /** The request with an {@code Authorization} header, as a client that can send one would. */
    private static final class WithAuthorization extends HttpServletRequestWrapper {
        private final String value;

        WithAuthorization(HttpServletRequest request, String value) {
            super(request);
            this.value = value;
        }

        @Override
        public String getHeader(String name) {
            return "Authorization".equalsIgnoreCase(name) ? value : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Authorization".equalsIgnoreCase(name) ? Collections.enumeration(List.of(value))
                    : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            if (names.stream().noneMatch("Authorization"::equalsIgnoreCase)) {
                names.add("Authorization");
            }
            return Collections.enumeration(names);
        }
    }
}
