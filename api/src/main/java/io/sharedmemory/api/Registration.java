package io.sharedmemory.api;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A listener registered with {@link SharedMemory#on}. Events reach the listener one at a time, in commit order, on the
 * memory's delivery threads (never concurrently with itself; successive calls may come on different threads); the code
 * that caused them never waits. {@link #remove()} interrupts a call in progress on another thread, as
 * {@link Subscription#unsubscribe()} does. A listener that falls more than its queue capacity behind is
 * removed and receives a last event whose {@link MemoryEvent#reason() reason} is {@link MemoryEvent#LISTENER_OVERFLOW}.
 */
@ProviderType
public interface Registration extends AutoCloseable {
    /** @return the event type listened to */
    EventType type();

    /** @return whether events are still being delivered */
    boolean isActive();

    /** Removes the listener; idempotent; may be called from the listener itself. */
    void remove();

    /**
     * Waits until every event published before this call has been delivered (or the registration has ended).
     *
     * @param timeout the longest wait
     * @return true when delivered (or ended), false on timeout
     * @throws IllegalStateException when called from the listener itself
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitDelivery(Duration timeout) throws InterruptedException;

    /** Same as {@link #remove()}. */
    @Override
    default void close() {
        remove();
    }
}
