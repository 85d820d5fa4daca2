package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.spi.exception.RetryableException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.sharedmemory.store.StoreException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Calls into the cluster, with what their failures mean. An operation whose member failed or left after it was sent
 * may or may not have been applied ({@code IndeterminateOperationStateException}, {@code MemberLeftException}, a
 * timeout): it is sent again, under the same name, and the key's record answers a re-run as it answered the first run
 * — so the caller learns the real outcome. Only when the cluster does not answer within {@link #PATIENCE_NANOS} is the
 * outcome reported unknown. A refusal by split-brain protection means nothing was done.
 */
final class Calls {
    static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private Calls() {
    }

    /**
     * @param what the operation, for messages
     * @param changes whether the call may change state (its failure is then "outcome unknown")
     */
    static <T> T call(String what, boolean changes, Supplier<T> call) {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        long pause = TimeUnit.MILLISECONDS.toNanos(20);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                Throwable why = cause(e, SplitBrainProtectionException.class);
                if (why != null) {
                    throw new StoreException(what + " refused: this member is on the minority side of a split "
                            + "cluster (" + why.getMessage() + "); nothing was changed", e, false);
                }
                if (cause(e, HazelcastInstanceNotActiveException.class) != null) {
                    throw new StoreException(what + " failed: this cluster member is shut down", e,
                            changes && attempt > 1);
                }
                if (!retryable(e)) {
                    if (e instanceof StoreException s) {
                        throw s;
                    }
                    Throwable unreadable = cause(e, HazelcastSerializationException.class);
                    if (unreadable != null && String.valueOf(unreadable.getMessage()).contains("type "
                            + Wire.PROCESSOR)) {
                        throw new StoreException(what + " failed: the member that owns the key cannot read the "
                                + "store's operations — it runs no memory and its configuration lacks the store's "
                                + "serializers (add them with HazelcastStore.configure(config)); nothing was changed",
                                e, false);
                    }
                    throw new StoreException(what + " failed: " + e, e, changes);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new StoreException(what + " did not complete: the cluster did not answer within "
                            + TimeUnit.NANOSECONDS.toSeconds(PATIENCE_NANOS) + " s (" + e + ")", e, changes);
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(500));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new StoreException(what + " interrupted while the cluster recovered", e, changes);
                }
            }
        }
    }

    /** Whether the failure means "the member failed or moved; ask again" (possibly after the operation was applied). */
    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IndeterminateOperationStateException || t instanceof MemberLeftException
                    || t instanceof TargetNotMemberException || t instanceof OperationTimeoutException
                    || t instanceof RetryableException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static Throwable cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
