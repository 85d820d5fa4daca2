package io.sharedmemory.console;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the operator console — an HTML page, its style sheet and its JavaScript modules, all inside this jar — as a
 * plain Jakarta servlet (Servlet 6). Map it at {@code /console/*}; the page reaches the HTTP API at {@code ../v1}
 * relative to that mapping, on the same origin, so mount {@code io.sharedmemory.remote.http.MemoryHttpServlet} at
 * {@code /v1/*} beside it. Inside OSGi the {@code io.sharedmemory.console} bundle registers it with the servlet
 * whiteboard.
 *
 * <p>The page holds no secret and acts only through the API with the token of the agent who signed in, so it can do
 * nothing that agent could not. Every answer carries a Content Security Policy that lets the page load only its own
 * files and connect only to its own origin (no inline script, no third-party resource, no framing), and
 * {@code Cache-Control: no-cache} with an {@code ETag}, so a new version of the bundle is picked up at the next load.
 * Only {@code GET} and {@code HEAD} are answered; a path outside the console's files is a 404.
 */
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** Where the console's files are, inside this jar (a directory that is no Java package). */
    static final String ROOT = "/console-web";

    /** The policy of every answer: the console's own files, and requests to its own origin only. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Pattern SAFE_PATH = Pattern.compile("(/[A-Za-z0-9_-][A-Za-z0-9._-]*)+");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html;charset=utf-8",
            "js", "text/javascript;charset=utf-8",
            "css", "text/css;charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json;charset=utf-8",
            "txt", "text/plain;charset=utf-8");

    private record Asset(byte[] bytes, String type, String etag) {
    }

    private final transient Map<String, Optional<Asset>> assets = new ConcurrentHashMap<>();

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String method = req.getMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            resp.setHeader("Allow", "GET, HEAD");
            plain(resp, 405, method + " is not allowed here; allowed: GET, HEAD");
            return;
        }
        String path = req.getPathInfo();
        if (path == null) {
            // /console without its slash: the page's relative links need the directory
            String query = req.getQueryString();
            resp.setHeader("Location", req.getRequestURI() + "/" + (query == null ? "" : "?" + query));
            resp.setStatus(301);
            return;
        }
        if (path.equals("/")) {
            path = "/index.html";
        }
        Optional<Asset> found = SAFE_PATH.matcher(path).matches() ? asset(path) : Optional.empty();
        if (found.isEmpty()) {
            plain(resp, 404, "no such file in the console: " + path);
            return;
        }
        Asset a = found.get();
        securityHeaders(resp);
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("ETag", a.etag());
        String match = req.getHeader("If-None-Match");
        if (match != null && (match.equals(a.etag()) || match.equals("W/" + a.etag()))) {
            resp.setStatus(304);
            return;
        }
        resp.setStatus(200);
        resp.setContentType(a.type());
        resp.setContentLength(a.bytes().length);
        if (!head) {
            resp.getOutputStream().write(a.bytes());
        }
    }

    private Optional<Asset> asset(String path) {
        return assets.computeIfAbsent(path, ConsoleServlet::load);
    }

    private static Optional<Asset> load(String path) {
        int dot = path.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(path.substring(dot + 1));
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = ConsoleServlet.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Optional.of(new Asset(bytes, type, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void securityHeaders(HttpServletResponse resp) {
        resp.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Referrer-Policy", "no-referrer");
        resp.setHeader("X-Frame-Options", "DENY");
        resp.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    }

    private static void plain(HttpServletResponse resp, int status, String message) throws IOException {
        securityHeaders(resp);
        resp.setHeader("Cache-Control", "no-store");
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=utf-8");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
