package io.sharedmemory.remote.tests;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sharedmemory.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A Server-Sent Events reader over the JDK's HTTP client: parses the stream into events as they arrive. */
final class SseClient implements AutoCloseable {
    /**
     * One event: its {@code id} (null when it had none), its {@code event} name ({@code message} by default,
     * {@code comment} for a comment line) and its data.
     */
    record Event(String id, String event, String data) {
        Map<String, Object> json() {
            return Json.parseObject(data);
        }
    }

    final int status;
    private final Stream<String> lines;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private SseClient(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.lines = response.body();
        Thread reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static SseClient open(String base, String path, String token, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + token);
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return new SseClient(Http.client().send(b.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    private void read() {
        String id = null;
        String event = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, event == null ? "message" : event, data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(null, "comment", line.substring(1).strip()));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).strip());
                }
            }
        } catch (RuntimeException closed) {
            // the test closed the stream
        }
        events.add(new Event(null, "(closed)", ""));
    }

    /** @return the next event that is not a comment */
    Event next() throws InterruptedException {
        return next(e -> !e.event().equals("comment"));
    }

    /** @return the next event matching, skipping others; fails after 30 s */
    Event next(Predicate<Event> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(e, "no event within 30 s");
            if (wanted.test(e)) {
                return e;
            }
        }
    }

    Event poll(Duration wait) throws InterruptedException {
        return events.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        lines.close();
    }
}
