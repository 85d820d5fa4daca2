package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;
import io.sharedmemory.api.ChangeAction;
import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.StoreListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Broadcasts between members: one reliable topic per memory (a ring buffer with sequence numbers), each message the
 * namespace, the sender, the time and the value in the engine's binary form. A member delivers the messages of the
 * others to its engine (its own it delivered itself). A gap in the sequence — this member fell a whole ring behind,
 * or a member holding the ring failed — is reported as a possible loss, never skipped silently.
 */
final class Broadcasts implements ReliableMessageListener<byte[]> {
    private final ClusterStore store;
    private final StoreListener listener;
    private final long origin = Slots.randomId();
    private final ITopic<byte[]> topic;
    private final UUID registration;
    private long lastSequence = -1;

    Broadcasts(ClusterStore store, StoreListener listener) {
        this.store = store;
        this.listener = listener;
        this.topic = store.member().getReliableTopic(store.memory + ".broadcasts");
        this.registration = Calls.call("listening to broadcasts", false, () -> topic.addMessageListener(this));
    }

    void send(String namespace, Object message, String agentId, long atMillis) {
        Payload.Writer w = Payload.writer().longValue(origin).text(namespace);
        try {
            store.codec.writeEntry(MemoryEntry.of(message, agentId, atMillis, 1, Map.of(), MemoryEntry.NO_EXPIRY),
                    w.out());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = w.bytes();
        Calls.call("broadcast to namespace \"" + namespace + "\"", true, () -> {
            topic.publish(bytes);
            return null;
        });
    }

    @Override
    public void onMessage(Message<byte[]> message) {
        Payload.Reader in = Payload.reader(message.getMessageObject());
        if (in.longValue() == origin) {
            return;
        }
        String namespace = in.text();
        try {
            MemoryEntry e = store.codec.readEntry(in.in());
            listener.broadcast(new ChangeEvent(namespace, null, e.value(), e.ownerId(), ChangeAction.BROADCAST, 0,
                    Instant.ofEpochMilli(e.timestampMillis())));
        } catch (IOException | RuntimeException e) {
            ClusterStore.LOG.log(Level.WARNING, "sharedmemory: a broadcast to namespace " + namespace
                    + " could not be read", e);
        }
    }

    @Override
    public long retrieveInitialSequence() {
        return -1;
    }

    @Override
    public void storeSequence(long sequence) {
        if (lastSequence >= 0 && sequence > lastSequence + 1) {
            listener.mayHaveMissed(null, null, (sequence - lastSequence - 1) + " broadcasts were lost on their way "
                    + "to this member");
        }
        lastSequence = sequence;
    }

    @Override
    public boolean isLossTolerant() {
        return true;
    }

    @Override
    public boolean isTerminal(Throwable failure) {
        ClusterStore.LOG.log(Level.WARNING, "sharedmemory: broadcast delivery failed; it goes on", failure);
        return false;
    }

    void close() {
        try {
            topic.removeMessageListener(registration);
        } catch (RuntimeException e) {
            ClusterStore.LOG.log(Level.DEBUG, "broadcast listener not removed", e);
        }
    }
}
