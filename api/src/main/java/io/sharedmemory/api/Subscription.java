package io.sharedmemory.api;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A live subscription to a namespace's changes, from {@link SharedMemory#subscribe}.
 *
 * <p>Events are delivered one at a time, in the namespace's commit order, on the memory's delivery threads (a small
 * pool shared by every subscriber and listener; see {@link SharedMemory}); the writer never waits for them. The
 * callback is never called concurrently with itself, but successive calls may come on different threads. The subscription ends when {@link #unsubscribe()} is called, when its namespace is
 * deleted, when the memory is destroyed, or when the subscriber falls more than its queue capacity behind (it then
 * receives a last {@link ChangeAction#OVERFLOW} event).
 */
@ProviderType
public interface Subscription extends AutoCloseable {
    /** @return the namespace subscribed to */
    String namespace();

    /** @return the subscribing agent */
    String agentId();

    /** @return whether events are still being delivered */
    boolean isActive();

    /**
     * Ends the subscription: no callback starts after this returns. A callback running at that moment on another
     * thread is interrupted (and one that was just starting already sees its thread interrupted); it may finish, and
     * nothing is delivered after it. Idempotent; may be called from the callback itself.
     */
    void unsubscribe();

    /**
     * Waits until every event committed before this call has been delivered to the callback (or the subscription has
     * ended). This is how a caller waits for delivery without sleeping.
     *
     * @param timeout the longest wait
     * @return true when delivered (or ended), false on timeout
     * @throws IllegalStateException when called from the subscription's own callback (it would wait for itself)
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitDelivery(Duration timeout) throws InterruptedException;

    /** Same as {@link #unsubscribe()}. */
    @Override
    default void close() {
        unsubscribe();
    }
}
