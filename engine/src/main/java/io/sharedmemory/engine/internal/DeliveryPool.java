package io.sharedmemory.engine.internal;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run one engine's listener and subscriber callbacks: at most {@code maxWorkers} at work at a time
 * (by default one fewer than the cores, so that writers keep a core however many subscribers there are), started on
 * demand and ended when idle. A hundred subscribers cost a few threads, not a hundred, and a writer never competes
 * with a crowd of runnable delivery threads for the cores.
 *
 * <p>A worker stuck in one callback would hold up everybody else, so a supervisor thread (alive while workers are)
 * retires a worker it finds in the same callback on {@value #STALL_TICKS} consecutive ticks: the worker no longer
 * counts toward {@code maxWorkers}, a replacement starts if there is work, and the stuck one, once its callback
 * returns, hands its consumer back and ends. Unsubscribing interrupts such a callback (see {@link Delivery}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A task is in the queue at most once: a {@link Delivery} is queued only by the one that made it SCHEDULED (a
 *       CAS from IDLE) or by its current runner; a journal's wake task only by the CAS that set its request.</li>
 *   <li>{@code live} counts the workers neither retired nor ended; it never exceeds {@code maxWorkers} (CAS).</li>
 *   <li>No task is stranded: a submitter offers, then unparks an idle worker or starts one; a worker parks only after
 *       listing itself idle and re-checking the queue, and ends only after leaving {@code live} and re-checking the
 *       queue. Each is a pair of volatile accesses in opposite order, so one side sees the other.</li>
 * </ul>
 */
final class DeliveryPool {
    /** Something a worker runs: a consumer's batch or a journal's wake-up round. */
    abstract static class Task {
        abstract void run(Worker worker);
    }

    static final int DEFAULT_WORKERS = Integer.getInteger("sharedmemory.deliveryThreads",
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final int STALL_TICKS = 2;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SPINS = 128;

    private final String name;
    private final int maxWorkers;
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    /** Every worker whose thread has not ended, retired or not: what the supervisor looks at. */
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger consumers = new AtomicInteger();
    private final AtomicInteger serial = new AtomicInteger();
    private final AtomicBoolean supervised = new AtomicBoolean();

    DeliveryPool(String name, int maxWorkers) {
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be at least 1, was " + maxWorkers);
        }
        this.name = name;
        this.maxWorkers = maxWorkers;
    }

    /** @return the prefix of this pool's thread names */
    String name() {
        return name;
    }

    int maxWorkers() {
        return maxWorkers;
    }

    /** @return the threads of this pool that have not ended (workers, retired ones included) */
    int threads() {
        return workers.size();
    }

    void consumerAdded() {
        consumers.incrementAndGet();
    }

    /** When the last consumer leaves, idle workers end at once instead of after their keep-alive. */
    void consumerRemoved() {
        if (consumers.decrementAndGet() == 0) {
            for (Worker w : idle) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    void submit(Task task) {
        queue.offer(task);
        ensureWorker();
    }

    private void startWorker() {
        Worker w = new Worker(name + "-" + serial.incrementAndGet());
        workers.add(w);
        try {
            w.thread.start();
        } catch (Throwable t) {
            // no thread to be had (out of memory or processes): the task stays queued for the next submit
            workers.remove(w);
            live.decrementAndGet();
            LOG.log(Level.ERROR, "could not start a delivery thread; events wait for the next one", t);
            return;
        }
        if (!supervised.get() && supervised.compareAndSet(false, true)) {
            startSupervisor();
        }
    }

    private void startSupervisor() {
        Thread t = new Thread(this::supervise, name + "-supervisor");
        t.setDaemon(true);
        try {
            t.start();
        } catch (Throwable e) {
            supervised.set(false);
            LOG.log(Level.ERROR, "could not start the delivery supervisor; stuck callbacks are not replaced", e);
        }
    }

    private void supervise() {
        for (;;) {
            LockSupport.parkNanos(this, TICK_NANOS);
            if (workers.isEmpty()) {
                supervised.set(false);
                // a worker started after the check above found supervised still set and relies on this loop
                if (workers.isEmpty() || !supervised.compareAndSet(false, true)) {
                    return;
                }
            }
            for (Worker w : workers) {
                w.check();
            }
        }
    }

    private void retire(Worker w, Delivery<?> stuckIn) {
        w.retired = true;
        live.decrementAndGet();
        w.thread.setName(w.thread.getName() + " (retired: stuck in a callback of " + stuckIn + ")");
        LOG.log(Level.WARNING, "{0}: a callback of {1} has not returned for {2} ms; delivery goes on without it",
                name, stuckIn, TimeUnit.NANOSECONDS.toMillis(TICK_NANOS * STALL_TICKS));
        if (!queue.isEmpty()) {
            ensureWorker();
        }
    }

    /** After an offer, or after a worker left {@code live}: an idle worker is woken, or one started if there is room. */
    private void ensureWorker() {
        Worker w = idle.poll();
        if (w != null) {
            LockSupport.unpark(w.thread);
            return;
        }
        for (;;) {
            int n = live.get();
            if (n >= maxWorkers) {
                return;
            }
            if (live.compareAndSet(n, n + 1)) {
                startWorker();
                return;
            }
        }
    }

    /** One delivery thread. Fields other than {@code calls} and {@code current} are touched by the supervisor only. */
    final class Worker implements Runnable {
        private static final VarHandle CALLS;

        static {
            try {
                CALLS = MethodHandles.lookup().findVarHandle(Worker.class, "calls", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        volatile boolean retired;
        /** The consumer whose batch this worker runs, or null. */
        volatile Delivery<?> current;
        /** Callbacks started; written with release semantics by the worker, read by the supervisor. */
        @SuppressWarnings("unused")
        private long calls;
        private long seenCalls = -1;
        private int stalledTicks;

        Worker(String threadName) {
            this.thread = new Thread(this, threadName);
            this.thread.setDaemon(true);
        }

        /** Called by the worker before each callback. */
        void beforeCall() {
            CALLS.setRelease(this, (long) CALLS.getOpaque(this) + 1);
        }

        private void check() {
            Delivery<?> d = current;
            long c = (long) CALLS.getAcquire(this);
            if (d == null || retired || c != seenCalls) {
                seenCalls = c;
                stalledTicks = 0;
                return;
            }
            if (++stalledTicks >= STALL_TICKS) {
                retire(this, d);
            }
        }

        @Override
        public void run() {
            boolean counted = true;
            try {
                for (;;) {
                    Task t = queue.poll();
                    if (t != null) {
                        t.run(this);
                        if (retired) {
                            counted = false; // retire() took it out of live
                            return;
                        }
                        continue;
                    }
                    if (!awaitWork()) {
                        counted = false; // awaitWork took it out of live
                        return;
                    }
                }
            } finally {
                workers.remove(this);
                if (counted && !retired) {
                    // ended by an Error from a callback (a retired worker already left live): let another worker
                    // take the queue
                    live.decrementAndGet();
                    if (!queue.isEmpty()) {
                        ensureWorker();
                    }
                }
            }
        }

        /** @return true when there may be work, false when this worker has left {@code live} and must end */
        private boolean awaitWork() {
            for (int i = 0; i < SPINS; i++) {
                if (!queue.isEmpty()) {
                    return true;
                }
                Thread.onSpinWait();
            }
            idle.push(this);
            long deadline = System.nanoTime() + KEEP_ALIVE_NANOS;
            for (;;) {
                if (!queue.isEmpty()) {
                    // a submitter that missed this worker in the idle list sees it in the queue it left
                    idle.remove(this);
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (consumers.get() == 0 || left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
                if (!idle.contains(this)) {
                    return true; // taken by a submitter
                }
            }
            if (!idle.remove(this)) {
                return true; // taken by a submitter just now: its task is in the queue
            }
            live.decrementAndGet();
            if (!queue.isEmpty()) {
                // a submitter may have seen this worker as live and started nobody: stay, if there is room
                for (;;) {
                    int n = live.get();
                    if (n >= maxWorkers) {
                        return false;
                    }
                    if (live.compareAndSet(n, n + 1)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
