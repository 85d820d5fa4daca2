package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.json.Json;
import io.sharedmemory.remote.http.JsonViews;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One agent's retained, numbered stream of one namespace's changes: the events its engine subscription delivers, each
 * given the next sequence number, the newest of them kept in a ring for streams and polls that resume.
 *
 * <p>Invariants. Sequence numbers start at 1 and rise by one per event, in the engine's delivery order (the namespace's
 * commit order); an event id is {@code <feed id>-<seq>}, and a feed id is never reused, so an id names exactly one
 * event of one agent's feed. The ring holds the events {@code oldest .. next-1} with no hole: eviction removes only the
 * oldest, when there are more than {@code capacity} events or more than {@code maxBytes} of JSON (the newest is always
 * kept). A reader that asks for an evicted event learns how many it missed ({@link Batch#missed()}) — never a silent
 * gap. Once ended (its subscription ended or overflowed), a feed takes no event and is never restarted; readers get
 * what it retained, then the reason.
 *
 * <p>Threads: {@link #onEvent} runs on the engine's delivery thread for this subscription (never concurrently with
 * itself) and only appends under this object's monitor and wakes listeners; it never touches a socket, so no reader
 * can slow the engine or a writer. Readers take the monitor briefly to copy out frames.
 */
public final class Feed {
    /** One retained event: its number, the event, and its Server-Sent Events frame (id and data lines). */
    public record Frame(long seq, ChangeEvent event, Object view, byte[] sse) {
    }

    /**
     * What a reader gets.
     *
     * @param frames the events from the position asked (or from the oldest retained one, after a gap), in order
     * @param missed how many events before them are gone (evicted); 0 when none
     * @param next the position after the last frame
     * @param endReason why the feed ended, once it has and every retained frame from the position was returned
     */
    public record Batch(List<Frame> frames, long missed, long next, String endReason) {
    }

    private final String id;
    private final String agentId;
    private final String namespace;
    private final Frame[] ring;
    private final long maxBytes;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    // guarded by this
    private long next = 1;
    private long oldest = 1;
    private long bytes;
    private int users;
    private long idleSinceNanos = System.nanoTime();
    private String endReason;
    private volatile boolean ended;
    private volatile Subscription subscription;

    Feed(String id, String agentId, String namespace, int capacity, long maxBytes) {
        this.id = id;
        this.agentId = agentId;
        this.namespace = namespace;
        this.ring = new Frame[capacity];
        this.maxBytes = maxBytes;
    }

    public String id() {
        return id;
    }

    public String agentId() {
        return agentId;
    }

    public String namespace() {
        return namespace;
    }

    void started(Subscription s) {
        this.subscription = s;
    }

    Subscription subscription() {
        return subscription;
    }

    /** The engine's callback. */
    void onEvent(ChangeEvent e) {
        if (e.action() == ChangeAction.OVERFLOW) {
            end("this stream fell more than the engine's queue behind and was cut off (" + e.value()
                    + " events missed)");
            return;
        }
        Object view = JsonViews.event(e);
        String json;
        try {
            json = Json.write(view);
        } catch (RuntimeException notJson) {
            // cannot happen for the engine's snapshots; were it to, the readers are told instead of missing an event
            end("an event could not be written as JSON: " + notJson.getMessage());
            return;
        }
        synchronized (this) {
            if (ended) {
                return;
            }
            while (next - oldest >= ring.length) {
                evictOldest();
            }
            long seq = next;
            byte[] sse = ("id: " + id + "-" + seq + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
            ring[(int) (seq % ring.length)] = new Frame(seq, e, view, sse);
            next = seq + 1;
            bytes += sse.length;
            while (bytes > maxBytes && next - oldest > 1) {
                evictOldest();
            }
            notifyAll();
        }
        wake();
    }

    private void evictOldest() {
        int slot = (int) (oldest % ring.length);
        bytes -= ring[slot].sse().length;
        ring[slot] = null;
        oldest++;
    }

    /** Ends the feed for good; readers get what it retained, then the reason. */
    void end(String reason) {
        synchronized (this) {
            if (ended) {
                return;
            }
            endReason = reason;
            ended = true;
            notifyAll();
        }
        Subscription s = subscription;
        if (s != null) {
            s.unsubscribe();
        }
        wake();
    }

    public boolean isEnded() {
        return ended;
    }

    /** @return the sequence number of the newest event so far (0 before the first) */
    public synchronized long head() {
        return next - 1;
    }

    /**
     * @param from the first sequence number wanted
     * @param maxFrames the most frames
     * @param maxFrameBytes stop adding frames once this many bytes of them are taken (at least one is)
     * @return the frames from {@code from}
     */
    public synchronized Batch read(long from, int maxFrames, long maxFrameBytes) {
        long start = Math.max(from, oldest);
        long missed = start - from;
        List<Frame> out = new ArrayList<>();
        long taken = 0;
        long s = start;
        for (; s < next && out.size() < maxFrames && (out.isEmpty() || taken < maxFrameBytes); s++) {
            Frame f = ring[(int) (s % ring.length)];
            out.add(f);
            taken += f.sse().length;
        }
        String reason = ended && s >= next ? endReason : null;
        return new Batch(out, missed, s, reason);
    }

    /**
     * Waits until an event at or after {@code from} is retained, the feed ends, or the deadline passes.
     *
     * @return whether there is something to read (an event or the end)
     */
    public synchronized boolean await(long from, long deadlineNanos) throws InterruptedException {
        while (next <= from && !ended) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return true;
    }

    public void addListener(Runnable wakeUp) {
        listeners.add(wakeUp);
    }

    public void removeListener(Runnable wakeUp) {
        listeners.remove(wakeUp);
    }

    private void wake() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** @return whether the feed is live and now has one more user */
    synchronized boolean retain() {
        if (ended) {
            return false;
        }
        users++;
        return true;
    }

    synchronized void release() {
        if (--users == 0) {
            idleSinceNanos = System.nanoTime();
        }
    }

    /** @return whether nobody has used the feed for longer than {@code lingerNanos} */
    synchronized boolean idleLongerThan(long lingerNanos, long nowNanos) {
        return users == 0 && nowNanos - idleSinceNanos > lingerNanos;
    }
}
