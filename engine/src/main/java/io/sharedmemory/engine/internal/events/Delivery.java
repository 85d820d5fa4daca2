package io.sharedmemory.engine.internal.events;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One listener or subscriber: a cursor into an {@link EventJournal} whose events a {@link DeliveryPool} worker hands to
 * the callback, in batches, once per event, in order, never concurrently with itself. A callback that throws is logged
 * and the next event is delivered; a consumer that falls a whole ring behind receives the notice made by
 * {@code overflowNotice} and ends.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code state} is IDLE (caught up to the limit it was queued with, not queued), SCHEDULED (queued or running:
 *       exactly one worker owns {@code cursor}; or registering, owned by the registering thread) or ENDED. Only the
 *       CAS from IDLE to SCHEDULED queues it, so it is never queued twice, and never run by two workers at once.</li>
 *   <li>No event is left unannounced: an IDLE consumer with {@code delivered} below the journal's tail is found by the
 *       next poll of an awake pool worker, and a producer wakes a worker when none is awake (see {@link DeliveryPool}).
 *       A turn delivers up to the {@code limit} its poll read, so that a hundred consumers of one journal read its
 *       newest slots once per round, right after the poll, instead of each chasing the writer.</li>
 *   <li>{@code delivered} only grows and is at most one batch behind the cursor while running, equal to it when
 *       IDLE; once {@code active} is false no further journal event is handed over (except the one in progress).</li>
 *   <li>{@code stopped} and {@code runner} change under this object's lock: a stop either finds the runner, which is
 *       inside a batch, and interrupts it there (never a worker that has moved on to another consumer: the runner
 *       leaves under the same lock, then clears its interrupt), or the runner sees {@code stopped} before its next
 *       callback. So no callback starts after {@link #stop()} returned unless it is interrupted.</li>
 *   <li>A consumer cut off for lagging receives exactly one overflow notice unless it was stopped first; {@code onEnd}
 *       runs exactly once, by the owner of the SCHEDULED state.</li>
 * </ul>
 */
public final class Delivery<E> extends DeliveryPool.Task {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    private static final VarHandle STATE;
    public static final int IDLE = 0;
    public static final int SCHEDULED = 1;
    public static final int ENDED = 2;
    /** Events per turn, and time per turn, before the consumer goes to the back of the queue (fairness). */
    private static final int BATCH = 256;
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Delivery.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventJournal journal;
    private final DeliveryPool pool;
    private final Consumer<? super E> callback;
    private final LongFunction<E> overflowNotice;
    private final Runnable onEnd;
    private final String name;
    @SuppressWarnings("unused") // through STATE
    private volatile int state = SCHEDULED;
    private volatile boolean active = true;
    private volatile long delivered;
    private volatile boolean stopped;
    private volatile boolean overflowed;
    private volatile long missed;
    private volatile Thread runner;
    private boolean ended;
    private boolean noticeGiven;
    private long cursor;
    /** Where the current turn stops: the journal's tail when the consumer was queued. Written before queueing. */
    private long limit;
    /** Callback failures, touched only by the owner; the first is logged in full, then every 1000th. */
    private long failures;

    public Delivery(EventJournal journal, Consumer<? super E> callback, LongFunction<E> overflowNotice, Runnable onEnd,
             String name) {
        this.journal = journal;
        this.pool = journal.pool();
        this.callback = callback;
        this.overflowNotice = overflowNotice;
        this.onEnd = onEnd;
        this.name = name;
    }

    /**
     * Registers with the journal: the next published event is the first delivered. Call under whatever excludes the
     * producers whose events must not be missed.
     */
    public void register() {
        // conservative before registering, so that a producer's lag check never sees the initial 0
        delivered = journal.tail();
        pool.consumerAdded();
        cursor = journal.register(this);
        delivered = cursor;
        // only now may a poller queue it (it was SCHEDULED, owned by this thread, while its cursor was unset)
        STATE.setVolatile(this, IDLE);
        if (!active && tryWake()) {
            journal.unregister(this);
            end(); // stopped while registering
            return;
        }
        // an event published since the cursor was read may have found a worker awake that then parked, its last poll
        // before this consumer was IDLE
        if (journal.tail() != cursor) {
            pool.wakeIfNoneAwake();
        }
    }

    /** Same as {@link #register()}: delivery starts when the first event arrives. */
    public void start() {
        register();
    }

    public boolean isActive() {
        return active;
    }

    public long delivered() {
        return delivered;
    }

    public boolean isIdle() {
        return (int) STATE.getVolatile(this) == IDLE;
    }

    /** @return true if this call moved the consumer from IDLE to SCHEDULED: the caller must then queue or end it */
    public boolean tryWake() {
        return (int) STATE.getVolatile(this) == IDLE && STATE.compareAndSet(this, IDLE, SCHEDULED);
    }

    /** Same as {@link #tryWake()}, for a turn that delivers the events below {@code until}. */
    public boolean tryWake(long until) {
        if (tryWake()) {
            limit = until; // published to the runner by the queue
            return true;
        }
        return false;
    }

    /**
     * One turn; or, on a worker the pool retired because this consumer held it too long (a slow or blocked callback),
     * turns until the consumer has caught up: it has that thread to itself, and the pool's other workers never wait
     * for it.
     */
    @Override
    public void run(DeliveryPool.Worker worker) {
        for (;;) {
            long c = runBatch(worker, cursor, limit);
            cursor = c;
            delivered = c;
            if (!active) {
                end();
                return;
            }
            if (c < limit && hasNext(c)) {
                if (worker.retired) {
                    continue;
                }
                pool.submit(this); // the back of the queue: the others get their turn
                return;
            }
            if (worker.retired) {
                long tail = journal.tail();
                if (tail > c && hasNext(c)) {
                    limit = tail;
                    continue;
                }
            }
            STATE.setVolatile(this, IDLE);
            // a stop or cut-off that found it SCHEDULED left the ending to its owner
            if (!active && tryWake()) {
                pool.submit(this);
            }
            return;
        }
    }

    /** Whether the slot at {@code c} holds its event, or a newer one (then this consumer is a ring behind). */
    private boolean hasNext(long c) {
        EventJournal.Envelope e = journal.slot(c);
        return e != null && e.seq >= c;
    }

    private long runBatch(DeliveryPool.Worker worker, long c, long until) {
        synchronized (this) {
            if (stopped) {
                return c;
            }
            runner = worker.thread;
        }
        worker.current = this;
        try {
            long start = System.nanoTime();
            worker.beforeTurn();
            for (int n = 0; n < BATCH && c < until && active; n++) {
                EventJournal.Envelope e = journal.slot(c);
                if (e == null || e.seq < c) {
                    break;
                }
                if (e.seq > c) {
                    cutOff(journal.tail() - c);
                    break;
                }
                if (stopped) {
                    break;
                }
                @SuppressWarnings("unchecked")
                E event = (E) e.event;
                invoke(event);
                c++;
                if ((n & 15) == 15) {
                    delivered = c;
                    if (System.nanoTime() - start > SLICE_NANOS) {
                        break;
                    }
                }
            }
            if (!active && overflowed && !stopped && !noticeGiven) {
                noticeGiven = true;
                delivered = c;
                invoke(overflowNotice.apply(missed));
            }
        } finally {
            worker.current = null;
            synchronized (this) {
                runner = null;
            }
            // an interrupt meant for this consumer's callback (stop) must not reach the next consumer's
            Thread.interrupted();
        }
        return c;
    }

    private void invoke(E event) {
        try {
            callback.accept(event);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            long n = ++failures;
            if (n == 1) {
                LOG.log(Level.WARNING, name + ": callback threw; delivery goes on", t);
            } else if (n % 1000 == 0) {
                LOG.log(Level.WARNING, "{0}: callback has thrown {1} times; latest: {2}", name, n, t);
            }
        }
    }

    /**
     * Ends delivery because the consumer fell a whole ring behind, even while it is stuck in its callback: it is no
     * longer active at once, and is told (its last event) when it next gets control.
     */
    public void cutOff(long behind) {
        synchronized (this) {
            if (overflowed || !active) {
                return;
            }
            missed = behind;
            overflowed = true;
            active = false;
        }
        journal.unregister(this);
        LOG.log(Level.WARNING, "{0} fell {1} events behind and was cut off", name, behind);
        if (tryWake()) {
            pool.submit(this);
        }
    }

    /**
     * Stops delivery; interrupts a callback in progress on another thread. Idempotent, callable from anywhere,
     * including the callback itself.
     */
    public void stop() {
        synchronized (this) {
            stopped = true;
            Thread r = runner;
            if (r != null && r != Thread.currentThread()) {
                r.interrupt();
            }
        }
        active = false;
        journal.unregister(this);
        if (tryWake()) {
            end(); // it was idle: nobody else owns it, and there is nothing left to deliver
        }
    }

    private void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        // only a stop or a cut-off leads here: both made it inactive and unregistered it
        STATE.setVolatile(this, ENDED);
        pool.consumerRemoved();
        onEnd.run();
    }

    public boolean awaitDelivery(Duration timeout) throws InterruptedException {
        if (runner == Thread.currentThread()) {
            throw new IllegalStateException("awaitDelivery called from the listener's own callback: it would wait "
                    + "for itself");
        }
        long target = journal.tail();
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MICROSECONDS.toNanos(10);
        while (!stopped && (int) STATE.getVolatile(this) != ENDED && delivered < target) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(Math.min(left, pause));
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
