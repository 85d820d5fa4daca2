package io.sharedmemory.groupcommit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * <h2>Gathering</h2>
 * When a flush completes, the writers it released go back to append their next record, and the first of them to
 * come back would lead a flush of its own record alone while the others were still on their way, so that flushes
 * alternated between one writer and the rest. Instead, a new leader first waits for as many writers to be waiting as
 * were waiting (with the leader) when the last flush completed — but never longer than that flush took, nor than
 * {@value #MAX_GATHER_MICROS} µs. A single writer never waits (it is all of its cohort). When a wait ends without its
 * cohort (writers that stopped, or callers that each come once), the next leaders do not wait: for one flush, then
 * two, four, up to {@value #MAX_SKIPPED_GATHERS} after each wait that ends so again, until one ends with its cohort.
 *
 * <h2>Waiting</h2>
 * A caller that waits for another's flush, and a leader that gathers, do not park at once: for up to twice the last
 * flush's duration (a waiter may arrive just after a flush began, and wait for it and then for its own), never longer
 * than {@value #MAX_SPIN_MICROS} µs, they yield their processor and look again, and only then park. After a flush that
 * took longer than that (a slow device, against which waking up costs little), a waiter parks at once and a gathering
 * leader looks 16 times in its wait. A thread that is parked must be woken, and with many writers on few processors
 * the wake-ups of a flush's writers took longer than the flush itself (on a 2-core virtual machine, 16 writers and a
 * 0.12 ms {@code fsync}: about 34 000 durable writes a second with parking, 49 000 with the yielding wait). The price
 * is processor time: a waiter stays runnable while it waits, although it gives way to any other runnable thread. A
 * single writer never waits, and a caller whose position is already durable returns at once.
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
     * Invariants, all under `lock`: `flushing` is true while exactly one caller is the leader (its Waiter in state
     * LEAD) and that caller's thread gathers or runs the flush, outside the lock; `pending` is empty whenever
     * `flushing` is false. `durable` only grows, and is written only by a leader that completed its flush; `failure`,
     * once set, never changes and no flush starts after it. `pending` holds a Waiter for every caller in the slow path
     * of await (the leader's included), ordered by position; a Waiter leaves it only when its state leaves
     * WAITING/LEAD: DONE when a completed flush reached its position, FAILED when the group commit failed. Every state
     * change happens under the lock and is followed, once the lock is released, by an unpark of the Waiter's thread,
     * which reads its (volatile) state without the lock: a flush releases its callers all at once instead of one lock
     * hand-over at a time. When a flush completes and callers are left in `pending`, the first of them is made leader
     * at once, so `flushing` stays true. `highest` is the highest position any caller waited for: the target of the
     * next flush. `cohort` is the size of `pending` when the last flush completed, before its callers left; a leader
     * gathers until `pending` grows back to it, watching `pendingSize` (written with every change of `pending`) without
     * the lock. Waiters yield before they park, for a time bounded by `spinNanos` (the last flush's duration, read
     * without the lock): whether a waiter is parked or yielding, it leaves only when it reads a state that is no longer
     * WAITING, so an unpark that finds it yielding is harmless (a permit that a later park consumes and then looks
     * again). Any throwable between a caller becoming leader and the end of its flush's completion fails the group
     * commit (nobody may stay parked behind a leader that is gone). `durable` and `failure` are also volatile, for the
     * lock-free fast path and for readers that only look.
     */

    /** The longest a new leader waits for the writers of the last flush to come back. */
    public static final long MAX_GATHER_MICROS = 2000;
    /** The longest a waiter yields its processor, instead of parking, while it waits for a flush. */
    public static final long MAX_SPIN_MICROS = 1000;
    private static final long MAX_SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(MAX_SPIN_MICROS);
    /** The most flushes led without gathering after gathers that ended without their cohort. */
    public static final int MAX_SKIPPED_GATHERS = 64;

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

    private static final int WAITING = 0;
    private static final int LEAD = 1;
    private static final int DONE = 2;
    private static final int FAILED = 3;

    /** A caller in the slow path of await, ordered by position. */
    private static final class Waiter implements Comparable<Waiter> {
        final Thread thread = Thread.currentThread();
        final long position;
        volatile int state = WAITING;

        Waiter(long position) {
            this.position = position;
        }

        @Override
        public int compareTo(Waiter other) {
            return Long.compare(position, other.position);
        }
    }

    private final String name;
    private final Flush flush;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> pending = new PriorityQueue<>();
    private volatile long durable;
    private volatile IOException failure;
    private boolean flushing;
    private long highest;
    private int cohort;
    private int skipGathers;
    private int backoff;
    private long lastFlushNanos;
    /** lastFlushNanos, for waiters that read it without the lock to bound their spin. */
    private volatile long spinNanos;
    /** pending.size(), for a gatherer that watches it without the lock. */
    private volatile int pendingSize;
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
        Waiter me = new Waiter(position);
        lock.lock();
        try {
            if (failure != null) {
                throw failed();
            }
            if (durable >= position) {
                return;
            }
            pending.add(me);
            pendingSize = pending.size();
            if (position > highest) {
                highest = position;
            }
            if (!flushing) {
                me.state = LEAD;
                flushing = true;
            }
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        long spinUntil = 0;
        try {
            for (;;) {
                switch (me.state) {
                    case DONE:
                        return;
                    case FAILED:
                        throw failed();
                    case LEAD:
                        interrupted |= lead(me);
                        return;
                    default:
                        if (spinUntil == 0) {
                            spinUntil = System.nanoTime() + spinBudget(spinNanos);
                        }
                        if (System.nanoTime() - spinUntil < 0) {
                            Thread.yield();
                            continue;
                        }
                        LockSupport.park(this);
                        // the data must still be made durable: the interrupt is kept for the caller
                        interrupted |= Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * As the leader: gathers, flushes up to the highest position waited for, then tells everyone the flush reached and
     * names the next leader.
     *
     * @return whether the thread was interrupted while it gathered
     */
    private boolean lead(Waiter me) throws IOException {
        boolean interrupted;
        long target;
        try {
            interrupted = gather(me);
            lock.lock();
            try {
                if (failure != null) {
                    // declared while this leader gathered: no flush starts after a failure
                    target = -1;
                } else {
                    target = Math.max(me.position, highest);
                }
            } finally {
                lock.unlock();
            }
        } catch (Throwable t) {
            throw abandon(t);
        }
        if (target < 0) {
            abandon(failure);
            throw failed();
        }
        long reached;
        long started = System.nanoTime();
        try {
            reached = flush.flush(target);
        } catch (Throwable t) {
            throw abandon(t);
        }
        try {
            complete(me, target, reached, Math.max(1, System.nanoTime() - started));
        } catch (IOException broken) {
            throw broken;
        } catch (Throwable t) {
            throw abandon(t);
        }
        return interrupted;
    }

    /**
     * As the new leader: waits, at most as long as the last flush took, for {@code pending} to hold as many callers as
     * when the last flush completed (the writers it released coming back with their next record).
     *
     * @return whether the thread was interrupted meanwhile (gathering then stops)
     */
    private boolean gather(Waiter me) {
        long deadline;
        long step;
        int want;
        lock.lock();
        try {
            if (pending.size() >= cohort || lastFlushNanos == 0 || failure != null) {
                return false;
            }
            if (skipGathers > 0) {
                skipGathers--;
                return false;
            }
            long gathering = Math.min(lastFlushNanos, TimeUnit.MICROSECONDS.toNanos(MAX_GATHER_MICROS));
            deadline = System.nanoTime() + gathering;
            // a slow device: look 16 times in the wait instead of yielding all through it
            step = spinBudget(lastFlushNanos) > 0 ? 0 : Math.max(1, gathering / 16);
            want = cohort;
        } finally {
            lock.unlock();
        }
        boolean timedOut = false;
        boolean interrupted = false;
        try {
            for (;;) {
                if (pendingSize >= want || failure != null) {
                    lock.lock();
                    try {
                        if (pending.size() >= want || failure != null) {
                            break;
                        }
                    } finally {
                        lock.unlock();
                    }
                }
                if (deadline - System.nanoTime() <= 0) {
                    timedOut = true;
                    break;
                }
                if (step == 0) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(this, step);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            lock.lock();
            try {
                if (timedOut) {
                    backoff = Math.min(Math.max(1, backoff * 2), MAX_SKIPPED_GATHERS);
                    skipGathers = backoff;
                } else if (!interrupted) {
                    backoff = 0;
                }
            } finally {
                lock.unlock();
            }
        }
        return interrupted;
    }

    /**
     * @return how long a waiter yields before it parks, after a flush that took {@code flushNanos}: twice that (a
     *         waiter may wait for the rest of a running flush and then for its own), but nothing after a flush longer
     *         than {@value #MAX_SPIN_MICROS} µs — against a slow device, waking up costs little beside the wait, and
     *         yielding through it would cost a processor
     */
    private static long spinBudget(long flushNanos) {
        return flushNanos > MAX_SPIN_NANOS ? 0 : Math.min(2 * flushNanos, MAX_SPIN_NANOS);
    }

    /** After a flush reached {@code reached}: everyone it covered is released, and the next leader named. */
    private void complete(Waiter me, long target, long reached, long took) throws IOException {
        List<Waiter> woken = new ArrayList<>();
        IOException broken = null;
        lock.lock();
        try {
            flushes++;
            lastFlushNanos = took;
            spinNanos = took;
            if (reached > durable) {
                durable = reached;
            }
            cohort = pending.size();
            if (reached < target) {
                // a flush that did not reach its target broke its contract: nothing says the data is durable
                broken = new IOException(name + ": the flush reached position " + reached + ", short of " + target);
                if (failure == null) {
                    failure = broken;
                }
            }
            release(DONE, durable, woken);
            if (failure != null) {
                flushing = false;
                release(FAILED, Long.MAX_VALUE, woken);
            } else if (pending.isEmpty()) {
                flushing = false;
            } else {
                Waiter next = pending.peek();
                next.state = LEAD;
                woken.add(next);
            }
        } finally {
            lock.unlock();
        }
        // outside the lock: the callers woken first come back (and take the lock) while the rest are being woken
        wake(woken);
        if (broken != null) {
            throw broken;
        }
    }

    /**
     * The leader's flush (or its own work around it) threw: the group commit fails for good, and every caller is told.
     *
     * @return what the leader throws: the flush's {@link IOException} or {@link Error} itself, anything else wrapped
     */
    private IOException abandon(Throwable t) {
        IOException cause = t instanceof IOException io ? io : new IOException(name + ": the flush failed: " + t, t);
        List<Waiter> woken = new ArrayList<>();
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            flushing = false;
            release(FAILED, Long.MAX_VALUE, woken);
        } finally {
            lock.unlock();
        }
        wake(woken);
        if (t instanceof Error e) {
            throw e;
        }
        return cause;
    }

    /**
     * Under the lock: every pending caller up to {@code upTo} leaves with {@code state}; its thread is added to
     * those to wake once the lock is released.
     */
    private void release(int state, long upTo, List<Waiter> woken) {
        for (Waiter w = pending.peek(); w != null && w.position <= upTo; w = pending.peek()) {
            pending.poll();
            pendingSize = pending.size();
            w.state = state;
            woken.add(w);
        }
    }

    /** Unparks the callers' threads, but not the caller's own (it is not parked, and a stray permit would surprise). */
    private static void wake(List<Waiter> woken) {
        Thread self = Thread.currentThread();
        for (Waiter w : woken) {
            if (w.thread != self) {
                LockSupport.unpark(w.thread);
            }
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
        List<Waiter> woken = new ArrayList<>();
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            // the callers waiting behind a running flush fail now; a leader finds out itself (a gathering one looks)
            for (Waiter w : pending.toArray(new Waiter[0])) {
                if (w.state == WAITING) {
                    pending.remove(w);
                    pendingSize = pending.size();
                    w.state = FAILED;
                    woken.add(w);
                }
            }
        } finally {
            lock.unlock();
        }
        wake(woken);
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
            return (int) pending.stream().filter(w -> w.state == WAITING).count();
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
