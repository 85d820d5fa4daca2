package io.sharedmemory.engine.internal.events;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * <p>A worker held by one consumer — a callback stuck in one call, or callbacks so slow that one turn (at most 256 events
 * or 2 ms of fast ones) lasts — would hold up everybody else. A supervisor thread (alive while workers are) looks at
 * the workers every {@value #TICK_MILLIS} ms and retires one it finds in the same turn {@value #BLOCKED_TICKS} ticks
 * running while its thread waits (a callback that sleeps, waits or is blocked on a lock: it uses no core), or
 * {@value #STALL_TICKS} ticks running whatever its thread does (a callback that computes, or blocks in I/O, which the
 * JVM shows as running). A retired worker no longer counts toward {@code maxWorkers}, a replacement starts if there
 * is work, and the retired one keeps that consumer to itself — its own thread — until the consumer has caught up, then
 * ends. So a slow consumer delays the others once, by about 20 ms when its callbacks wait and 100 ms when they
 * compute, and not at all while it has a backlog; a worker merely descheduled by a busy machine (running, not waiting)
 * is left alone for the longer bound. Unsubscribing interrupts such a callback (see {@link Delivery}).
 *
 * <p>Producers do not queue consumers. A worker with nothing queued polls the journals it watches (those with
 * consumers) for consumers whose cursor is below the tail, and queues them; it polls at most every
 * {@value #POLL_NANOS} ns, so that while a writer publishes, consumers take its events in batches instead of reading
 * each one as it is written (two cores touching the same newest cache lines is what slows a writer down, far more than
 * the delivery work itself). A worker also polls between turns when the last poll is that old, so a consumer with
 * events joins the queue behind the ones already there, however long the queue stays non-empty. A worker that has
 * found nothing for {@link #SPIN_NANOS} (by default) parks; a producer wakes one only when no worker is awake. An event
 * published while a worker is awake waits at most one poll interval, plus the turns queued before it.
 *
 * <p>Invariants:
 * <ul>
 *   <li>A task is in the queue at most once: a {@link Delivery} is queued only by the one that made it SCHEDULED (a
 *       CAS from IDLE) or by its current runner.</li>
 *   <li>{@code live} counts the workers neither retired nor ended; it never exceeds {@code maxWorkers} (CAS).
 *       {@code awake} counts the live workers not parked: a worker leaves it before listing itself idle, and whoever
 *       takes a worker off the idle list (a waker, or the worker itself) puts it back, exactly once.</li>
 *   <li>No task is stranded: a submitter offers, then unparks an idle worker or starts one; a worker parks only after
 *       listing itself idle and re-checking the queue, and ends only after leaving {@code live} and re-checking the
 *       queue. Each is a pair of volatile accesses in opposite order, so one side sees the other.</li>
 *   <li>No event is stranded: a producer stores its event, then reads {@code awake} and wakes or starts a worker if it
 *       is 0; a worker about to park leaves {@code awake}, lists itself idle, then polls every watched journal. If the
 *       producer read 0 after the worker left, the worker's poll comes after the producer's store, or the producer's
 *       waker finds the worker on the idle list.</li>
 * </ul>
 */
public final class DeliveryPool {
    /** Something a worker runs: a consumer's batch. */
    public abstract static class Task {
        abstract void run(Worker worker);
    }

    public static final int DEFAULT_WORKERS = Integer.getInteger("sharedmemory.deliveryThreads",
            Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.engine");
    static final int TICK_MILLIS = 10;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /** Ticks in one turn, its thread waiting at each, after which a worker is retired. */
    static final int BLOCKED_TICKS = 2;
    /** Ticks in one turn, whatever its thread does, after which a worker is retired. */
    public static final int STALL_TICKS = 10;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long a worker with nothing to do keeps polling before it parks. */
    public static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(Long.getLong("sharedmemory.deliverySpinMicros", 200));
    /** The shortest time between two polls of the journals by one worker. */
    public static final long POLL_NANOS = 4_000;
    private static final int AWAKE = 16;
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(int[].class);

    private final String name;
    private final int maxWorkers;
    private final long spinNanos;
    private final long keepAliveNanos;
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    /** Every worker whose thread has not ended, retired or not: what the supervisor looks at. */
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger consumers = new AtomicInteger();
    private final AtomicInteger serial = new AtomicInteger();
    private final AtomicBoolean supervised = new AtomicBoolean();
    /** The journals with consumers, polled by workers with nothing queued. */
    private final CopyOnWriteArrayList<EventJournal> watched = new CopyOnWriteArrayList<>();
    /**
     * The awake count, alone on its cache line in the middle of the array: every publish reads it, and the queue's
     * and counters' lines change far more often than it does.
     */
    private final int[] awake = new int[2 * AWAKE];

    public DeliveryPool(String name, int maxWorkers) {
        this(name, maxWorkers, SPIN_NANOS, KEEP_ALIVE_NANOS);
    }

    /**
     * @param spinNanos how long a worker with nothing to do keeps polling before it parks (0: it parks at once)
     * @param keepAliveNanos how long a parked worker waits for work before it ends
     */
    public DeliveryPool(String name, int maxWorkers, long spinNanos, long keepAliveNanos) {
        if (maxWorkers < 1) {
            throw new IllegalArgumentException("maxWorkers must be at least 1, was " + maxWorkers);
        }
        this.name = name;
        this.maxWorkers = maxWorkers;
        this.spinNanos = spinNanos;
        this.keepAliveNanos = keepAliveNanos;
    }

    /** @return the prefix of this pool's thread names */
    public String name() {
        return name;
    }

    public int maxWorkers() {
        return maxWorkers;
    }

    /** @return the threads of this pool that have not ended (workers, retired ones included) */
    public int threads() {
        return workers.size();
    }

    public void consumerAdded() {
        consumers.incrementAndGet();
    }

    /** When the last consumer leaves, idle workers end at once instead of after their keep-alive. */
    public void consumerRemoved() {
        if (consumers.decrementAndGet() == 0) {
            for (Worker w : idle) {
                LockSupport.unpark(w.thread);
            }
        }
    }

    /** @return the live workers that are not parked (a test's view of the parking bookkeeping) */
    public int awakeWorkers() {
        return awake();
    }

    private int awake() {
        return (int) COUNT.getVolatile(awake, AWAKE);
    }

    private int addAwake(int delta) {
        return (int) COUNT.getAndAdd(awake, AWAKE, delta) + delta;
    }

    /** The awake count's array, for producers to read without touching this object's cache line. */
    public int[] awakeCounter() {
        return awake;
    }

    /** @return whether no worker is awake, read from {@link #awakeCounter()} */
    public static boolean noneAwake(int[] counter) {
        return (int) COUNT.getVolatile(counter, AWAKE) == 0;
    }

    public void watch(EventJournal journal) {
        watched.addIfAbsent(journal);
    }

    public void unwatch(EventJournal journal) {
        watched.remove(journal);
    }

    /** After a producer's store found {@link #noneAwake}: wakes or starts a worker to poll for it. */
    public void wakeForProducer() {
        ensureWorker();
    }

    /** After a consumer became IDLE outside a worker (its registration): makes sure a worker will poll for it. */
    public void wakeIfNoneAwake() {
        if (awake() == 0) {
            ensureWorker();
        }
    }

    /** @return whether a consumer of a watched journal has events and is not queued */
    private boolean waiting() {
        for (EventJournal j : watched) {
            if (j.hasWaiting()) {
                return true;
            }
        }
        return false;
    }

    /** Queues the consumers that have events waiting, in every watched journal. */
    private boolean poll() {
        boolean queued = false;
        for (EventJournal j : watched) {
            queued |= j.scheduleWaiting();
        }
        return queued;
    }

    public void submit(Task task) {
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
            addAwake(-1);
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

    private void retire(Worker w, Delivery<?> stuckIn, int ticks) {
        w.retired = true;
        live.decrementAndGet();
        addAwake(-1);
        w.thread.setName(w.thread.getName() + " (retired: held by " + stuckIn + ")");
        LOG.log(Level.WARNING, "{0}: {1} has held a delivery thread for {2} ms (a slow or blocked callback); it keeps "
                + "that thread until it catches up, and the others are served without it", name, stuckIn,
                TimeUnit.NANOSECONDS.toMillis(TICK_NANOS * ticks));
        if (!queue.isEmpty() || awake() == 0) {
            ensureWorker();
        }
    }

    /** After an offer, or after a worker left {@code live}: an idle worker is woken, or one started if there is room. */
    private void ensureWorker() {
        Worker w = idle.poll();
        if (w != null) {
            addAwake(1);
            LockSupport.unpark(w.thread);
            return;
        }
        for (;;) {
            int n = live.get();
            if (n >= maxWorkers) {
                return;
            }
            if (live.compareAndSet(n, n + 1)) {
                addAwake(1);
                startWorker();
                return;
            }
        }
    }

    /**
     * One delivery thread. {@code lastPoll} is its own; {@code seenTurns} and {@code stalledTicks} are the supervisor's.
     */
    public final class Worker implements Runnable {
        private static final VarHandle TURNS;

        static {
            try {
                TURNS = MethodHandles.lookup().findVarHandle(Worker.class, "turns", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread;
        volatile boolean retired;
        /** The consumer whose batch this worker runs, or null. */
        volatile Delivery<?> current;
        /** Turns started; written with release semantics by the worker, read by the supervisor. */
        @SuppressWarnings("unused")
        private long turns;
        private long seenTurns = -1;
        /** When this worker last polled the journals; its own. */
        private long lastPoll;
        private int stalledTicks;
        private int blockedTicks;

        Worker(String threadName) {
            this.thread = new Thread(this, threadName);
            this.thread.setDaemon(true);
        }

        /** Called by the worker before each turn of a consumer. */
        void beforeTurn() {
            TURNS.setRelease(this, (long) TURNS.getOpaque(this) + 1);
        }

        private void check() {
            Delivery<?> d = current;
            long c = (long) TURNS.getAcquire(this);
            if (d == null || retired || c != seenTurns) {
                seenTurns = c;
                stalledTicks = 0;
                blockedTicks = 0;
                return;
            }
            Thread.State state = thread.getState();
            boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.BLOCKED;
            blockedTicks = waiting ? blockedTicks + 1 : 0;
            if (++stalledTicks >= STALL_TICKS) {
                retire(this, d, stalledTicks);
            } else if (blockedTicks >= BLOCKED_TICKS) {
                retire(this, d, blockedTicks);
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
                        long now = System.nanoTime();
                        if (now - lastPoll >= POLL_NANOS) {
                            // a consumer with events joins the queue behind those already in it
                            lastPoll = now;
                            poll();
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
                    // take the queue and the polling
                    live.decrementAndGet();
                    if (addAwake(-1) == 0 || !queue.isEmpty()) {
                        ensureWorker();
                    }
                }
            }
        }

        /** @return true when there may be work, false when this worker has left {@code live} and must end */
        private boolean awaitWork() {
            long since = System.nanoTime();
            for (;;) {
                if (!queue.isEmpty()) {
                    return true;
                }
                long now = System.nanoTime();
                if (now - lastPoll >= POLL_NANOS) {
                    lastPoll = now;
                    if (poll()) {
                        return true;
                    }
                }
                if (now - since >= spinNanos) {
                    break;
                }
                Thread.onSpinWait();
            }
            addAwake(-1);
            idle.push(this);
            long deadline = System.nanoTime() + keepAliveNanos;
            for (;;) {
                if (!queue.isEmpty() || poll()) {
                    // a producer or submitter that missed this worker on the idle list left work it can see
                    if (idle.remove(this)) {
                        addAwake(1);
                    } // else a waker took it off the list and counted it awake
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (consumers.get() == 0 || left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, left);
                if (!idle.contains(this)) {
                    return true; // taken by a waker, which counted it awake
                }
            }
            if (!idle.remove(this)) {
                return true; // taken by a submitter just now: its task is in the queue
            }
            live.decrementAndGet();
            if (!queue.isEmpty() || waiting()) {
                // a submitter or producer may have seen this worker as live and started nobody: stay, if there is room
                for (;;) {
                    int n = live.get();
                    if (n >= maxWorkers) {
                        return false;
                    }
                    if (live.compareAndSet(n, n + 1)) {
                        addAwake(1);
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
