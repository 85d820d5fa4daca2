package io.sharedmemory.engine.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One listener or subscriber: a thread of its own that reads an {@link EventJournal} from its cursor and calls the
 * callback once per event, in order, never concurrently with itself. A callback that throws is logged and the next event
 * is delivered; a consumer that falls a whole ring behind receives the notice made by {@code overflowNotice} and ends.
 *
 * <p>Invariants: {@code delivered} only grows and is the sequence after the last event handed to the callback;
 * once {@code active} is false no further journal event is handed over (except the one in progress) and the thread
 * ends; a consumer cut off for lagging receives exactly one overflow notice unless it was stopped (unsubscribed)
 * first; {@code onEnd} runs exactly once.
 */
final class Delivery<E> implements Runnable {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    private static final int SPINS = 64;

    private final EventJournal journal;
    private final Consumer<? super E> callback;
    private final LongFunction<E> overflowNotice;
    private final Runnable onEnd;
    private final Thread thread;
    private volatile boolean active = true;
    private volatile long delivered;
    private volatile boolean inCallback;
    private volatile boolean ended;
    /** Set first thing by {@link #stop()}: with {@code inCallback}, a Dekker pair, so a stop never misses a callback
     *  that is starting. */
    private volatile boolean stopped;
    private volatile boolean overflowed;
    private volatile long missed;
    volatile boolean sleeping;
    private long cursor;
    /** Callback failures, touched only by the delivery thread; the first is logged in full, then every 1000th. */
    private long failures;

    Delivery(EventJournal journal, Consumer<? super E> callback, LongFunction<E> overflowNotice, Runnable onEnd,
             String threadName) {
        this.journal = journal;
        this.callback = callback;
        this.overflowNotice = overflowNotice;
        this.onEnd = onEnd;
        this.thread = new Thread(this, threadName);
        this.thread.setDaemon(true);
    }

    /** Registers with the journal (the next published event is the first delivered) and starts the thread. */
    void start() {
        cursor = journal.register(this);
        delivered = cursor;
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    boolean isActive() {
        return active;
    }

    @Override
    public void run() {
        long c = cursor;
        int spins = 0;
        try {
            while (active) {
                EventJournal.Envelope e = journal.slot(c);
                if (e != null && e.seq == c) {
                    @SuppressWarnings("unchecked")
                    E event = (E) e.event;
                    handOver(event);
                    c++;
                    delivered = c;
                    spins = 0;
                } else if (e != null && e.seq > c) {
                    cutOff(journal.tail() - c);
                } else if (c < journal.tail() || spins < SPINS) {
                    spins++;
                    if (spins > SPINS) {
                        Thread.yield();
                    } else {
                        Thread.onSpinWait();
                    }
                } else {
                    sleeping = true;
                    journal.announceSleep();
                    try {
                        EventJournal.Envelope again = journal.slot(c);
                        if (active && (again == null || again.seq < c) && c >= journal.tail()) {
                            LockSupport.park(this);
                        }
                    } finally {
                        sleeping = false;
                        journal.retractSleep();
                        journal.afterSleep();
                    }
                    spins = 0;
                }
            }
            if (overflowed && !stopped) {
                handOver(overflowNotice.apply(missed));
            }
        } finally {
            end();
        }
    }

    long delivered() {
        return delivered;
    }

    /** Ends delivery because the consumer fell a whole ring behind; it is told when it next gets control. */
    void cutOff(long behind) {
        synchronized (this) {
            if (overflowed || !active) {
                return;
            }
            missed = behind;
            overflowed = true;
            active = false;
        }
        journal.unregister(this);
        LOG.log(Level.WARNING, "{0} fell {1} events behind and was cut off", thread.getName(), behind);
        if (Thread.currentThread() != thread) {
            LockSupport.unpark(thread);
        }
    }

    boolean overflowed() {
        return overflowed;
    }

    private void handOver(E event) {
        inCallback = true;
        try {
            if (stopped) {
                return; // stop() may have looked at inCallback before it was set, and could not interrupt this call
            }
            callback.accept(event);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable t) {
            long n = ++failures;
            if (n == 1) {
                LOG.log(Level.WARNING, thread.getName() + ": callback threw; delivery goes on", t);
            } else if (n % 1000 == 0) {
                LOG.log(Level.WARNING, "{0}: callback has thrown {1} times; latest: {2}", thread.getName(), n, t);
            }
        } finally {
            inCallback = false;
            // an interrupt meant for the callback (unsubscribe) must not outlive it
            Thread.interrupted();
        }
    }

    /** Stops delivery; interrupts a callback blocked on another thread's behalf. Idempotent, callable from anywhere. */
    void stop() {
        stopped = true;
        if (!active && ended) {
            return;
        }
        active = false;
        journal.unregister(this);
        if (Thread.currentThread() != thread) {
            if (inCallback) {
                thread.interrupt();
            }
            LockSupport.unpark(thread);
        }
    }

    private void end() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
        }
        active = false;
        journal.unregister(this);
        journal.afterSleep();
        onEnd.run();
    }

    boolean awaitDelivery(Duration timeout) throws InterruptedException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("awaitDelivery called from the listener's own callback: it would wait "
                    + "for itself");
        }
        long target = journal.tail();
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MICROSECONDS.toNanos(10);
        while (active && delivered < target) {
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
}
