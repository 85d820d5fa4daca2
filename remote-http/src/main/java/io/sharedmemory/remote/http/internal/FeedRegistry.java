package io.sharedmemory.remote.http.internal;

import io.sharedmemory.api.AgentSession;
import io.sharedmemory.api.Subscription;
import io.sharedmemory.remote.http.RemoteSettings;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live {@link Feed}s, one per (agent, namespace), and the streams reading them.
 *
 * <p>Invariants. At most one live feed per (agent, namespace) is in the map; a feed is created by subscribing through
 * the agent's own session, so the engine checks the agent's permission and records the subscription, and its events
 * are exactly what that agent may see. Every later use of the feed (a stream, a poll) first subscribes and unsubscribes
 * through the user's session — the engine checks the permission again and records the access — so sharing a feed
 * never lets a use through that the engine would refuse. A feed whose engine subscription ended (namespace deleted,
 * permission revoked, session revoked) is ended and removed within one tick (1 s); one nobody used for
 * {@link RemoteSettings#feedLinger()} is unsubscribed and removed, and with it its retained events (an id of it is then
 * unknown: a resume from it is told so).
 */
public final class FeedRegistry implements AutoCloseable {
    private record Key(String agentId, String namespace) {
    }

    private static final SecureRandom IDS = new SecureRandom();

    private final RemoteSettings settings;
    private final Map<Key, Feed> feeds = new ConcurrentHashMap<>();
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final ExecutorService writers;

    public FeedRegistry(RemoteSettings settings) {
        this.settings = settings;
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemons("sharedmemory-feeds"));
        this.writers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                daemons("sharedmemory-sse"));
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    public RemoteSettings settings() {
        return settings;
    }

    ExecutorService writers() {
        return writers;
    }

    /**
     * @return the agent's live feed of the namespace, retained for the caller (call {@link #release} when done)
     * @throws io.sharedmemory.api.NamespaceNotFoundException when the namespace does not exist
     * @throws io.sharedmemory.api.AccessDeniedException when the agent may not read it (or the session is closed)
     * @throws io.sharedmemory.api.InvalidInputException when the name breaks the limits
     */
    public Feed acquire(AgentSession session, String namespace) {
        Key key = new Key(session.agentId(), namespace);
        for (;;) {
            Feed existing = feeds.get(key);
            if (existing != null && existing.retain()) {
                try {
                    session.subscribe(namespace, e -> { }).unsubscribe();
                } catch (RuntimeException e) {
                    release(existing);
                    throw e;
                }
                if (existing.subscription().isActive()) {
                    return existing;
                }
                release(existing);
                end(existing, "the engine ended the subscription");
                continue;
            }
            synchronized (this) {
                Feed current = feeds.get(key);
                if (current != null && current != existing && !current.isEnded()) {
                    continue;
                }
                Feed created = new Feed(newId(), session.agentId(), namespace, settings.feedEvents(),
                        settings.feedBytes());
                created.retain();
                Subscription s = session.subscribe(namespace, created::onEvent);
                created.started(s);
                feeds.put(key, created);
                return created;
            }
        }
    }

    public void release(Feed feed) {
        feed.release();
    }

    /**
     * Serves a retained feed as Server-Sent Events on an asynchronous response, from event {@code next} on, after the
     * given opening frames; the stream releases the feed when it ends.
     */
    public void stream(Feed feed, AgentSession session, jakarta.servlet.AsyncContext context,
                       jakarta.servlet.ServletOutputStream out, long next, java.util.List<byte[]> opening) {
        EventStream s = new EventStream(this, feed, session, context, out, next);
        opening.forEach(s::prepend);
        s.start();
    }

    void register(EventStream stream) {
        streams.add(stream);
    }

    void unregister(EventStream stream) {
        streams.remove(stream);
    }

    /** @return how many feeds are live (for tests and stats) */
    public int size() {
        return feeds.size();
    }

    private void end(Feed feed, String reason) {
        feed.end(reason);
        feeds.remove(new Key(feed.agentId(), feed.namespace()), feed);
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            long linger = settings.feedLinger().toNanos();
            for (Feed f : feeds.values()) {
                Subscription s = f.subscription();
                if (s != null && !s.isActive()) {
                    end(f, "the engine ended the subscription: the namespace was deleted, the agent may no longer "
                            + "read it, or its session was revoked");
                } else if (f.idleLongerThan(linger, now)) {
                    end(f, "unused for " + settings.feedLinger().toSeconds() + " s");
                }
            }
            for (EventStream stream : streams) {
                stream.tick(now);
            }
        } catch (RuntimeException e) {
            System.getLogger(FeedRegistry.class.getName()).log(System.Logger.Level.WARNING,
                    "sharedmemory: change feed maintenance failed", e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (EventStream s : streams) {
            s.close("the server is stopping");
        }
        for (Feed f : feeds.values()) {
            end(f, "the server is stopping");
        }
        writers.shutdown();
    }

    private static String newId() {
        long v = IDS.nextLong() & Long.MAX_VALUE;
        return Long.toString(v, 36);
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
