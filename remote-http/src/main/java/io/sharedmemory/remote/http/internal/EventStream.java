package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.json.Json;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Server-Sent Events response reading a {@link Feed} from a position, with non-blocking servlet output.
 *
 * <p>Invariants. The stream's only buffer is its position in the feed's ring plus the one batch the container is
 * writing: a client that stops reading holds no thread and no growing queue — its position falls behind, and when the
 * ring has moved past it, it is sent a {@code gap} event saying how many events it missed before it goes on. Writing
 * happens in {@link #drain()}, entered by one thread at a time (the {@code wip} counter: every wake-up is counted, and
 * the thread that raised it from zero drains until it has accounted for all of them), so no wake-up is lost and the
 * output is never written concurrently. The feed wakes the stream from the engine's delivery thread; draining runs on
 * the registry's writer threads, never on the delivery thread.
 */
final class EventStream implements WriteListener, AsyncListener {
    private static final int BATCH_FRAMES = 256;
    private static final long BATCH_BYTES = 64 * 1024;

    private final FeedRegistry registry;
    private final Feed feed;
    private final AgentSession session;
    private final AsyncContext context;
    private final ServletOutputStream out;
    private final Queue<byte[]> control = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final Runnable wakeUp = this::wake;
    private volatile String closeReason;
    private volatile long lastWriteNanos = System.nanoTime();

    // confined to the draining thread
    private long next;
    private boolean endWritten;
    private boolean flushPending;
    private boolean completed;

    EventStream(FeedRegistry registry, Feed feed, AgentSession session, AsyncContext context, ServletOutputStream out,
                long next) {
        this.registry = registry;
        this.feed = feed;
        this.session = session;
        this.context = context;
        this.out = out;
        this.next = next;
    }

    /** Queues frames to send before the feed's events (the opening, a notice about the resume point). */
    void prepend(byte[] frame) {
        control.add(frame);
    }

    /** Starts writing; call on the request's thread, after {@code startAsync}. */
    void start() {
        context.addListener(this);
        registry.register(this);
        feed.addListener(wakeUp);
        out.setWriteListener(this);
    }

    /** Ends the stream with an {@code end} event giving the reason. Any thread; idempotent. */
    void close(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        wake();
    }

    /** The registry's clock: heartbeats, and the end of the token's lifetime. */
    void tick(long nowNanos) {
        if (!session.isOpen()) {
            close("the token of this stream has expired or was revoked: reconnect with a new one and Last-Event-ID");
            return;
        }
        if (nowNanos - lastWriteNanos > registry.settings().heartbeat().toNanos()) {
            control.add(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
            wake();
        }
    }

    @Override
    public void onWritePossible() {
        wake();
    }

    @Override
    public void onError(Throwable t) {
        cleanUp();
        try {
            context.complete();
        } catch (IllegalStateException ignored) {
            // already completed by the container
        }
    }

    private void wake() {
        if (wip.getAndIncrement() == 0) {
            try {
                registry.writers().execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                wip.set(0); // the registry is closing; so is this stream
            }
        }
    }

    private void drain() {
        int missed = 1;
        for (;;) {
            try {
                writeWhatYouCan();
            } catch (IOException | RuntimeException e) {
                onError(e);
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void writeWhatYouCan() throws IOException {
        if (completed) {
            return;
        }
        while (out.isReady()) {
            byte[] chunk = nextChunk();
            if (chunk != null) {
                out.write(chunk);
                flushPending = true;
                lastWriteNanos = System.nanoTime();
                continue;
            }
            if (flushPending) {
                flushPending = false;
                out.flush();
                continue;
            }
            if (endWritten) {
                completed = true;
                cleanUp();
                context.complete();
            }
            return;
        }
    }

    private byte[] nextChunk() {
        byte[] c = control.poll();
        if (c != null || endWritten) {
            return c;
        }
        String reason = closeReason;
        if (reason != null) {
            endWritten = true;
            return end(reason);
        }
        Feed.Batch b = feed.read(next, BATCH_FRAMES, BATCH_BYTES);
        if (b.frames().isEmpty() && b.missed() == 0 && b.endReason() == null) {
            return null;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        if (b.missed() > 0) {
            byte[] gap = gap(b.missed(), "this stream fell behind the " + registry.settings().feedEvents()
                    + " events the server keeps; events before the next one were missed: re-read the state you need");
            buf.writeBytes(gap);
        }
        for (Feed.Frame f : b.frames()) {
            buf.writeBytes(f.sse());
        }
        next = b.next();
        if (b.endReason() != null) {
            endWritten = true;
            buf.writeBytes(end(b.endReason()));
        }
        return buf.toByteArray();
    }

    static byte[] gap(long missed, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("missed", missed < 0 ? null : missed);
        data.put("reason", reason);
        return ("event: gap\ndata: " + Json.write(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] end(String reason) {
        return ("event: end\ndata: " + Json.write(Map.of("reason", reason)) + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private void cleanUp() {
        if (cleanedUp.compareAndSet(false, true)) {
            feed.removeListener(wakeUp);
            registry.unregister(this);
            registry.release(feed);
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        cleanUp();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        cleanUp();
        context.complete();
    }

    @Override
    public void onError(AsyncEvent event) {
        onError(event.getThrowable());
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // the stream never restarts
    }
}
