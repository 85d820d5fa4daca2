package io.sharedmemory.remote.tests;

import io.sharedmemory.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A real HTTP client (the JDK's, HTTP/1.1) speaking to the distribution's API. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String base;

    Http(String base) {
        this.base = base;
    }

    record Response(int status, HttpHeaders headers, String body) {
        Map<String, Object> json() {
            return Json.parseObject(body);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list(String field) {
            return (List<Map<String, Object>>) json().get(field);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Response send(String method, String path, String token, Object body) throws IOException, InterruptedException {
        return raw(method, path, body == null ? null : Json.write(body), token == null ? List.of()
                : List.of("Authorization", "Bearer " + token), body == null ? null : "application/json");
    }

    Response get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    /**
     * @param headers name, value, name, value...
     */
    Response raw(String method, String path, String body, List<String> headers, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.size(); i += 2) {
            b.header(headers.get(i), headers.get(i + 1));
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers(), r.body());
    }

    Response login(String agent, String secret) throws IOException, InterruptedException {
        return send("POST", "/v1/sessions", null, Map.of("agentId", agent, "secret", secret));
    }

    String token(String agent, String secret) throws IOException, InterruptedException {
        Response r = login(agent, secret);
        if (r.status() != 201) {
            throw new IllegalStateException("login of " + agent + ": " + r);
        }
        return (String) r.json().get("token");
    }

    static HttpClient client() {
        return CLIENT;
    }
}
