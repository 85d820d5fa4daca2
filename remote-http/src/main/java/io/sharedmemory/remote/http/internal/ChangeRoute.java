package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.json.Json;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /v1/namespaces/{ns}/changes}: the agent's feed of the namespace as Server-Sent Events, from the event after
 * {@code Last-Event-ID} when the feed still keeps it, else from now after a {@code gap} notice.
 */
final class ChangeRoute {
    private final FeedRegistry feeds;

    ChangeRoute(FeedRegistry feeds) {
        this.feeds = feeds;
    }

    void changes(HttpServletRequest req, HttpServletResponse resp, AgentSession s, String ns)
            throws IOException {
        Requests.onlyParams(req, Set.of("lastEventId"));
        String last = req.getHeader("Last-Event-ID");
        if (last == null || last.isBlank()) {
            last = Requests.param(req, "lastEventId");
        }
        EventId resume;
        try {
            resume = last == null || last.isBlank() ? null : EventId.parse(last.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("Last-Event-ID: " + e.getMessage());
        }
        Feed feed = feeds.acquire(s, ns);
        try {
            List<byte[]> opening = new ArrayList<>();
            long next = resume == null ? feed.head() + 1 : resume.resumeFrom(feed);
            boolean unknown = next < 0;
            if (unknown) {
                next = feed.head() + 1;
            }
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("namespace", ns);
            ready.put("agentId", s.agentId());
            ready.put("resumed", resume != null && !unknown);
            opening.add(("retry: 3000\nid: " + feed.id() + "-" + (next - 1) + "\nevent: ready\ndata: "
                    + Json.write(ready) + "\n\n").getBytes(StandardCharsets.UTF_8));
            if (unknown) {
                opening.add(EventStream.gap(-1, EventId.UNKNOWN));
            }
            resp.setStatus(200);
            resp.setContentType("text/event-stream;charset=utf-8");
            resp.setHeader("X-Accel-Buffering", "no");
            AsyncContext context = req.startAsync();
            context.setTimeout(0);
            feeds.stream(feed, s, context, resp.getOutputStream(), next, opening);
        } catch (IOException | RuntimeException e) {
            feeds.release(feed);
            throw e;
        }
    }
}
