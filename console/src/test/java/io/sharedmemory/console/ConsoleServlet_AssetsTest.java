package io.sharedmemory.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console's files through the servlet in a plain servlet container (an embedded Jetty 12), as the browser asks for
 * them: every file the page loads — followed from {@code index.html} through each module's imports — is in the jar and
 * served with its type and the security headers, none names another host (no CDN, nothing fetched from elsewhere), and
 * anything else is refused.
 */
class ConsoleServlet_AssetsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern HTML_REFS = Pattern.compile("(?:src|href)=\"([^\"#:]+)\"");
    private static final Pattern JS_IMPORTS = Pattern.compile("(?:import|export)\\s[^;]*?from\\s+'([^']+)'");
    private static final Pattern REMOTE = Pattern.compile("(?:https?:)?//[a-z0-9.-]+\\.[a-z]{2,}", Pattern.CASE_INSENSITIVE);

    private static Server server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ConsoleServlet(), "/console/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    private static HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        return send(HTTP, method, path, headers);
    }

    private static HttpResponse<String> send(HttpClient http, String method, String path, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyFileThePageLoads_isServedFromTheJar_withItsType_andNoneNamesAnotherHost() throws Exception {
        Deque<String> todo = new ArrayDeque<>(List.of("/console/"));
        Set<String> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String path = todo.pop();
            if (!seen.add(path)) {
                continue;
            }
            HttpResponse<String> r = send("GET", path);
            assertEquals(200, r.statusCode(), path);
            String type = r.headers().firstValue("Content-Type").orElse("");
            String body = r.body();
            assertEquals(ConsoleServlet.CONTENT_SECURITY_POLICY,
                    r.headers().firstValue("Content-Security-Policy").orElse(""), path);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), path);
            String stripped = body.replace("http://www.w3.org/2000/svg", "");
            assertFalse(REMOTE.matcher(stripped).find(), () -> path + " names another host: " + firstRemote(stripped));
            String dir = path.endsWith("/") ? path : path.substring(0, path.lastIndexOf('/') + 1);
            if (path.endsWith("/") || path.endsWith(".html")) {
                assertTrue(type.startsWith("text/html"), path + ": " + type);
                collect(HTML_REFS.matcher(body), dir, todo);
            } else if (path.endsWith(".js")) {
                assertTrue(type.startsWith("text/javascript"), path + ": " + type);
                collect(JS_IMPORTS.matcher(body), dir, todo);
            } else if (path.endsWith(".css")) {
                assertTrue(type.startsWith("text/css"), path + ": " + type);
            } else if (path.endsWith(".svg")) {
                assertEquals("image/svg+xml", type, path);
            }
        }
        assertTrue(seen.containsAll(List.of("/console/", "/console/console.css", "/console/js/main.js",
                "/console/js/api.js", "/console/js/sse.js", "/console/js/views/live.js",
                "/console/js/views/plugins.js", "/console/js/chart.js", "/console/favicon.svg")), seen::toString);
    }

    private static String firstRemote(String body) {
        Matcher m = REMOTE.matcher(body);
        return m.find() ? m.group() : "";
    }

    private static void collect(Matcher m, String dir, Deque<String> todo) {
        while (m.find()) {
            todo.add(URI.create("http://x" + dir).resolve(m.group(1)).getPath());
        }
    }

    @Test
    void theDirectoryWithoutItsSlash_redirects_andRepeatedLoadsAreRevalidated() throws Exception {
        HttpResponse<String> bare = send("GET", "/console");
        assertEquals(301, bare.statusCode());
        assertEquals("/console/", bare.headers().firstValue("Location").orElse(""));

        HttpResponse<String> first = send("GET", "/console/js/main.js");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElse(""));
        assertEquals(304, send("GET", "/console/js/main.js", "If-None-Match", etag).statusCode());
        assertEquals(200, send("GET", "/console/js/main.js", "If-None-Match", "\"other\"").statusCode());
        HttpResponse<String> head = send("HEAD", "/console/console.css");
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void pathsOutsideTheConsolesFiles_otherMethods_andUnknownTypes_areRefused() throws Exception {
        for (String path : List.of("/console/nothing.js", "/console/js/", "/console/.hidden.js",
                "/console/js/%2e%2e/index.html", "/console/..%2fconsole-web/index.html",
                "/console/ConsoleServlet.class", "/console/module-info.class",
                "/console/js/main.js.map", "/console/index.html%00.js")) {
            // each on a connection of its own: Jetty answers some malformed paths (a NUL) with a 400 and then closes
            // the connection without saying so, and a request sent next on it would get no answer at all
            HttpResponse<String> r = send(HttpClient.newHttpClient(), "GET", path);
            assertTrue(r.statusCode() == 404 || r.statusCode() == 400, () -> path + " -> " + r.statusCode());
        }
        HttpResponse<String> post = send("POST", "/console/index.html");
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
    }
}
