package io.sharedmemory.remote.http;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.remote.http.internal.EventId;
import io.sharedmemory.remote.http.internal.Feed;
import io.sharedmemory.remote.http.internal.FeedRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Each agent's retained, numbered stream of a namespace's changes, shared by the Server-Sent Events of
 * {@link MemoryHttpServlet} and by polling ({@link #poll}, the MCP tool {@code poll_changes}).
 *
 * <h2>Ids and resuming</h2>
 * Every change an agent sees in a namespace gets an id {@code <feed>-<n>}: {@code <feed>} names the agent's feed of
 * that namespace, {@code n} counts its events from 1 without gaps, in the namespace's commit order. A feed is created
 * by the agent's first stream or poll of the namespace (an engine subscription through the agent's own session) and
 * keeps its newest {@link RemoteSettings#feedEvents()} events (at most {@link RemoteSettings#feedBytes()} of JSON)
 * until nobody has used it for {@link RemoteSettings#feedLinger()}. Resuming from an id of the current feed whose
 * successors are still retained returns exactly the events after it; otherwise the reader is told explicitly how many
 * events it missed, or that the id is unknown (the feed ended: namespace deleted, permission revoked, unused too long,
 * server restarted) and events may have been missed — never a silent gap.
 *
 * <h2>Identity</h2>
 * Every stream and every poll is checked by the engine through the caller's session (it subscribes and unsubscribes,
 * which also records the access), and a feed belongs to one agent: an id of another agent's feed is unknown to this
 * agent's feed.
 *
 * <p>Thread-safe. {@link #close()} ends every stream and feed.
 */
public final class ChangeFeeds implements AutoCloseable {
    /** The longest a poll waits. */
    public static final Duration MAX_POLL_WAIT = Duration.ofSeconds(5);

    private final FeedRegistry registry;

    /**
     * @param settings feed retention, linger and heartbeat
     */
    public ChangeFeeds(RemoteSettings settings) {
        this.registry = new FeedRegistry(Objects.requireNonNull(settings, "settings"));
    }

    FeedRegistry registry() {
        return registry;
    }

    /**
     * What a poll returned.
     *
     * @param events the changes, oldest first, each as {@link JsonViews#event} plus its {@code "id"}
     * @param cursor pass it back as {@code since} to get the events after these
     * @param gap null when nothing was missed; otherwise {@code {"missed": n or null, "reason": "..."}}
     * @param ended null while the feed lives; otherwise why it ended (poll again without {@code since} to start anew)
     */
    public record Poll(List<Map<String, Object>> events, String cursor, Map<String, Object> gap, String ended) {
        /** Copies the events. */
        public Poll {
            events = List.copyOf(events);
        }
    }

    /**
     * Returns the agent's changes of a namespace after {@code since}, waiting up to {@code timeout} for the first one
     * when there is none yet.
     *
     * @param session the agent's session
     * @param namespace the namespace
     * @param since a cursor (an event id) from an earlier poll or stream; null to start from now
     * @param timeout how long to wait when nothing is there yet, at most {@link #MAX_POLL_WAIT}
     * @param max the most events, at least 1
     * @return the events and the next cursor
     * @throws io.sharedmemory.api.NamespaceNotFoundException when the namespace does not exist
     * @throws io.sharedmemory.api.AccessDeniedException when the agent may not read it
     * @throws io.sharedmemory.api.InvalidInputException when the name breaks the limits
     * @throws IllegalArgumentException when {@code since} is not an event id, or timeout or max out of range
     * @throws InterruptedException when interrupted while waiting
     */
    public Poll poll(AgentSession session, String namespace, String since, Duration timeout, int max)
            throws InterruptedException {
        if (timeout.isNegative() || timeout.compareTo(MAX_POLL_WAIT) > 0) {
            throw new IllegalArgumentException("timeout must be between 0 and " + MAX_POLL_WAIT.toMillis()
                    + " ms, was " + timeout.toMillis());
        }
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        EventId resume = since == null ? null : EventId.parse(since);
        Feed feed = registry.acquire(session, namespace);
        try {
            Map<String, Object> gap = null;
            long from;
            if (resume == null) {
                from = feed.head() + 1;
            } else if (resume.resumeFrom(feed) > 0) {
                from = resume.resumeFrom(feed);
            } else {
                from = feed.head() + 1;
                gap = gap(null, EventId.UNKNOWN);
            }
            feed.await(from, System.nanoTime() + timeout.toNanos());
            Feed.Batch b = feed.read(from, max, Long.MAX_VALUE);
            if (b.missed() > 0) {
                gap = gap(b.missed(), "more events came than the " + registry.settings().feedEvents()
                        + " the server keeps since the cursor; re-read the state you need");
            }
            List<Map<String, Object>> events = new ArrayList<>(b.frames().size());
            for (Feed.Frame f : b.frames()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("id", feed.id() + "-" + f.seq());
                @SuppressWarnings("unchecked")
                Map<String, Object> view = (Map<String, Object>) f.view();
                e.putAll(view);
                events.add(e);
            }
            return new Poll(events, feed.id() + "-" + (b.next() - 1), gap, b.endReason());
        } finally {
            registry.release(feed);
        }
    }

    /** @return how many feeds are live */
    public int size() {
        return registry.size();
    }

    static Map<String, Object> gap(Long missed, String reason) {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("missed", missed);
        g.put("reason", reason);
        return g;
    }

    /** Ends every stream (each gets an {@code end} event) and every feed. */
    @Override
    public void close() {
        registry.close();
    }
}
