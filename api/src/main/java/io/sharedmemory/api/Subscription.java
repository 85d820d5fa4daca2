package io.sharedmemory.api;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A live subscription to a namespace's changes, from {@link SharedMemory#subscribe}.
 *
 * <p>Events are delivered on a thread of the subscription's own, one at a time, in the namespace's commit order; the
 * writer never waits for them. The subscription ends when {@link #unsubscribe()} is called, when its namespace is
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
     * Ends the subscription: no event is delivered after this returns (except the one being delivered at that moment
     * on the delivery thread, if any); the delivery thread ends. Idempotent; may be called from the callback itself.
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
