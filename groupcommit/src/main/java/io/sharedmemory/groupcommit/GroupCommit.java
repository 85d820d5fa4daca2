package io.sharedmemory.groupcommit;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.annotation.versioning.ConsumerType;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Group commit: many threads make what they appended durable with one flush between them.
 *
 * <h2>How it is used</h2>
 * The owner of an append-only file numbers what is appended by a <em>position</em> that only grows (a byte offset, a
 * ticket per line). A thread that has appended up to position {@code p} and needs it durable calls {@link #await
 * await(p)}. One caller at a time becomes the <em>leader</em> and runs the owner's {@link Flush}, which makes
 * everything appended so far durable (writes it to the operating system, forces it to the device — whatever durable
 * means to the owner) and returns the position it reached; every other caller waits, and returns once the position it
 * waits for has been reached, by that flush or by a later one. While one flush runs, the threads that arrive pile up
 * behind it and the next flush covers them all, so N concurrent writers pay about one flush instead of N — and a
 * single writer pays exactly one, with no added wait.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>{@code await(p)} returns normally only after a flush that returned a position {@code >= p} has completed: never
 *       before (the barrier that a synchronous commit needs).</li>
 *   <li>At most one flush runs at a time; flushes are called with targets that never decrease.</li>
 *   <li>A failure is final (fail-stop). When a flush throws, its leader gets that exception, every waiting and every
 *       later caller a {@link CommitFailedException} naming it, and no flush is ever attempted again: a failed
 *       {@code fsync} may have dropped the data it was to write, so retrying it and reporting success would claim
 *       durability that does not exist. The owner may also declare a failure found elsewhere ({@link #fail}).</li>
 * </ul>
 *
 * <p>Thread-safe. A caller interrupted while it waits keeps waiting (its data is in the middle of being made durable,
 * and returning early would misreport it) and returns with its interrupt status set.
 */
@ProviderType
public final class GroupCommit {
    /*
     * Invariants, all under `lock`: `flushing` is true while exactly one thread (the leader) runs the flush, outside
     * the lock; `durable` only grows, and is written only by a leader that completed its flush; `failure`, once set,
     * never changes and no flush starts after it. Waiters wait on `changed`, which is signalled whenever `flushing`,
     * `durable` or `failure` changes. `durable` and `failure` are also volatile, for the lock-free fast path and for
     * readers that only look.
     */

    /**
     * Makes everything appended so far durable. Called by one thread at a time, never again after it threw.
     */
    @ConsumerType
    @FunctionalInterface
    public interface Flush {
        /**
         * @param target the highest position a caller waits for; everything up to it has been appended
         * @return the position now durable, at least {@code target} (usually everything appended when the flush began)
         * @throws IOException when it failed: the group commit then stops for good
         */
        long flush(long target) throws IOException;
    }

    private final String name;
    private final Flush flush;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long durable;
    private volatile IOException failure;
    private boolean flushing;
    private int waiting;
    private long flushes;

    /**
     * @param name what is made durable, for messages (for instance the file's path)
     * @param durable the position already durable (where the file stood when it was opened)
     * @param flush the owner's flush
     */
    public GroupCommit(String name, long durable, Flush flush) {
        this.name = Objects.requireNonNull(name, "name");
        this.flush = Objects.requireNonNull(flush, "flush");
        this.durable = durable;
    }

    /**
     * Returns once everything up to {@code position} is durable, flushing it when no other thread is.
     *
     * @param position a position the caller has appended up to
     * @throws IOException the flush's own exception when this caller's flush failed; a {@link CommitFailedException}
     *         when another's did, now or earlier (then what the caller appended is not known to be durable)
     */
    public void await(long position) throws IOException {
        if (durable >= position && failure == null) {
            return;
        }
        lock.lock();
        try {
            for (;;) {
                if (failure != null) {
                    throw failed();
                }
                if (durable >= position) {
                    return;
                }
                if (!flushing) {
                    break;
                }
                waiting++;
                try {
                    changed.awaitUninterruptibly();
                } finally {
                    waiting--;
                }
            }
            flushing = true;
        } finally {
            lock.unlock();
        }
        lead(position);
    }

    /** As the leader, outside the lock: one flush, then everyone is told. */
    private void lead(long position) throws IOException {
        long reached;
        try {
            reached = flush.flush(position);
        } catch (IOException | RuntimeException | Error e) {
            IOException cause = e instanceof IOException io ? io
                    : new IOException(name + ": the flush failed: " + e, e);
            lock.lock();
            try {
                if (failure == null) {
                    failure = cause;
                }
                flushing = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw cause;
        }
        lock.lock();
        try {
            flushes++;
            if (reached > durable) {
                durable = reached;
            }
            flushing = false;
            changed.signalAll();
            if (reached < position) {
                // a flush that did not reach its target broke its contract: nothing says the data is durable
                IOException broken = new IOException(name + ": the flush reached position " + reached
                        + ", short of " + position);
                if (failure == null) {
                    failure = broken;
                }
                throw broken;
            }
        } finally {
            lock.unlock();
        }
    }

    private CommitFailedException failed() {
        return new CommitFailedException(name + " failed earlier and accepts nothing more; what was appended since "
                + "is not known to be durable: " + failure.getMessage(), failure);
    }

    /**
     * Stops the group commit for good, as a failed flush does: for an owner that found a failure elsewhere (an append
     * that failed after part of it reached the operating system). Waiting and later callers get a
     * {@link CommitFailedException}; a flush that is running completes, but no later one starts. The first failure
     * is kept.
     *
     * @param cause what failed
     */
    public void fail(IOException cause) {
        Objects.requireNonNull(cause, "cause");
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return the position known durable: the highest a completed flush reached */
    public long durable() {
        return durable;
    }

    /** @return the failure that stopped the group commit, or null while it works */
    public IOException failure() {
        return failure;
    }

    /** @return how many callers are waiting for a flush that another thread runs (a sign of group commits) */
    public int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** @return how many flushes have completed */
    public long flushes() {
        lock.lock();
        try {
            return flushes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "GroupCommit[" + name + ", durable=" + durable + (failure == null ? "" : ", failed: " + failure) + "]";
    }
}
