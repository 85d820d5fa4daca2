package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.StoreException;
import io.sharedmemory.store.StoreListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A memory's namespaces across members, as one member's store keeps them: the namespaces map (name →
 * {@link NamespaceRecord}), each namespace's table ({@link ClusterTable}) and change feed ({@link ChangeFeed}).
 *
 * <p>Invariants:
 * <ul>
 *   <li>A namespace is added, reconfigured or dropped by a {@link Processor} on its record's owner; then a
 *       {@link NamespaceTask} goes to every other member, whose stores bring their engines to it before answering, and
 *       {@link #awaitNamespace} waits for the answers (the engine calls it after releasing its locks: waiting under a
 *       gate could deadlock two members that change namespaces at once).</li>
 *   <li>Changes made elsewhere also arrive as events of the namespaces map. Either way they end in {@code latest},
 *       the newest record known per name — within an incarnation the higher revision; between two incarnations the
 *       namespaces map decides — and {@code tables} always holds the table of that record's incarnation.</li>
 *   <li>One thread ({@code pusher}) tells the engine that a namespace changed; the engine then reads
 *       {@link #configuration} under the namespace's gate. So a report that arrives late, or two in the wrong order,
 *       never take the engine back to an older configuration.</li>
 * </ul>
 */
final class ClusterNamespaces {
    /** The task executor's name: each member's pool of Hazelcast executor threads for namespace tasks. */
    private static final String EXECUTOR = "sharedmemory";

    private final ClusterStore store;
    private final StoreListener listener;
    private final IMap<String, byte[]> namespaces;
    private final Map<String, NamespaceRecord> latest = new ConcurrentHashMap<>();
    private final Map<String, ClusterTable> tables = new ConcurrentHashMap<>();
    private final Map<String, ChangeFeed> feeds = new ConcurrentHashMap<>();
    private final Map<String, Queue<Map<Member, Future<Boolean>>>> propagating = new ConcurrentHashMap<>();
    private final ExecutorService pusher;
    private volatile boolean running = true;
    private UUID events;

    ClusterNamespaces(ClusterStore store, StoreListener listener) {
        this.store = store;
        this.listener = listener;
        this.namespaces = store.member().getMap(store.memory + ".namespaces");
        this.pusher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sharedmemory-namespaces-" + store.memory);
            t.setDaemon(true);
            return t;
        });
    }

    /** Listens to other members' changes (when an engine is there to tell) and loads the namespaces held now. */
    Map<String, NamespaceConfig> start() {
        if (listener != StoreListener.NONE) {
            events = Calls.call("listening to namespaces", false,
                    () -> namespaces.addEntryListener(new NamespaceEvents(), true));
        }
        Map<String, NamespaceConfig> held = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : Calls.call("reading namespaces", false, () -> namespaces.entrySet())) {
            NamespaceRecord rec = NamespaceRecord.parse(e.getValue());
            synchronized (this) {
                hold(e.getKey(), rec);
            }
            held.put(e.getKey(), rec.config());
        }
        return held;
    }

    void stop() {
        running = false;
        UUID id = events;
        if (id != null) {
            ClusterStore.quietly(() -> namespaces.removeEntryListener(id));
        }
        for (Map.Entry<String, ChangeFeed> f : feeds.entrySet()) {
            ClusterTable t = tables.get(f.getKey());
            UUID reg = f.getValue().registration;
            if (t != null && reg != null) {
                ClusterStore.quietly(() -> t.map().removeEntryListener(reg));
            }
        }
        feeds.clear();
        tables.clear();
        latest.clear();
        propagating.clear();
        pusher.shutdownNow();
    }

    // ---------------------------------------------------------------- this member's changes

    boolean add(String name, NamespaceConfig config) {
        long incarnation = Slots.randomId();
        byte[] answer = Calls.call("creation of namespace \"" + name + "\"", true, () -> namespaces.executeOnKey(name,
                new Processor(Processor.NAMESPACE, NamespaceRecord.payload(NamespaceRecord.ADD, incarnation, null,
                        NamespaceRecord.withoutResolver(config)))));
        Payload.Reader in = Payload.reader(answer);
        byte status = in.byteValue();
        NamespaceRecord rec = NamespaceRecord.parse(in.blob());
        synchronized (this) {
            NamespaceRecord l = latest.get(name);
            if (l == null || l.incarnation() != rec.incarnation() || l.rev() < rec.rev()) {
                hold(name, rec);
            }
        }
        if (status == NamespaceRecord.ADDED) {
            propagate(name, rec.toBytes(), rec.incarnation());
            return true;
        }
        // created through another member first: the engine learns it now (it expects this, holding no gate)
        listener.namespaceChanged(name, rec.config());
        return false;
    }

    /** The difference between {@code previous} and {@code config} is applied to the record on its owner. */
    void save(String name, NamespaceConfig previous, NamespaceConfig config) {
        NamespaceRecord from = latest.get(name);
        if (from == null) {
            throw new StoreException("The cluster holds no namespace \"" + name + "\" (dropped through another "
                    + "member)");
        }
        NamespaceConfig wanted = NamespaceRecord.withoutResolver(config);
        byte[] answer = Calls.call("reconfiguration of namespace \"" + name + "\"", true,
                () -> namespaces.executeOnKey(name, new Processor(Processor.NAMESPACE, NamespaceRecord.payload(
                        NamespaceRecord.SAVE, from.incarnation(), NamespaceRecord.withoutResolver(previous),
                        wanted))));
        Payload.Reader in = Payload.reader(answer);
        byte status = in.byteValue();
        byte[] bytes = in.blob();
        if (status != NamespaceRecord.SAVED) {
            throw new StoreException("Namespace \"" + name + "\" was dropped through another member meanwhile; "
                    + "nothing was changed");
        }
        NamespaceRecord rec = NamespaceRecord.parse(bytes);
        synchronized (this) {
            NamespaceRecord l = latest.get(name);
            if (l == null || l.incarnation() != rec.incarnation() || l.rev() < rec.rev()) {
                hold(name, rec);
            }
        }
        if (!rec.config().equals(wanted)) {
            // another member changed other fields meanwhile: the engine follows the merged configuration after this
            schedulePush(name);
        }
        propagate(name, rec.toBytes(), rec.incarnation());
    }

    NamespaceConfig latestConfig(String name, NamespaceConfig otherwise) {
        NamespaceRecord l = latest.get(name);
        return l == null ? otherwise : l.config();
    }

    void drop(String name) {
        NamespaceRecord from = latest.get(name);
        if (from == null) {
            return;
        }
        Calls.call("deletion of namespace \"" + name + "\"", true, () -> namespaces.executeOnKey(name,
                new Processor(Processor.NAMESPACE, NamespaceRecord.payload(NamespaceRecord.DROP, from.incarnation(),
                        null, null))));
        ClusterTable table;
        synchronized (this) {
            NamespaceRecord l = latest.get(name);
            if (l != null && l.incarnation() == from.incarnation()) {
                latest.remove(name);
            }
            table = tables.get(name);
            if (table != null && table.incarnation == from.incarnation()) {
                forgetTable(name);
            } else {
                table = null;
            }
        }
        Map<Member, Future<Boolean>> futures = propagate(name, null, from.incarnation());
        if (table != null) {
            // its map goes once every other member let go of it (or at once when alone)
            ClusterTable gone = table;
            Thread cleaner = new Thread(() -> {
                await(name, futures, Duration.ofMinutes(1), false);
                gone.destroy();
            }, "sharedmemory-drop-" + name);
            cleaner.setDaemon(true);
            cleaner.start();
        }
    }

    /** Tells every other member's stores; {@link #awaitNamespace} waits for their answers. */
    private Map<Member, Future<Boolean>> propagate(String name, byte[] record, long incarnation) {
        HazelcastInstance hz = store.member();
        Set<Member> others = new HashSet<>(hz.getCluster().getMembers());
        for (HazelcastInstance mine : store.members) {
            others.remove(mine.getCluster().getLocalMember());
        }
        if (others.isEmpty()) {
            return Map.of();
        }
        Map<Member, Future<Boolean>> futures = hz.getExecutorService(EXECUTOR)
                .submitToMembers(new NamespaceTask(store.memory, name, record, incarnation), others);
        propagating.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>()).add(futures);
        return futures;
    }

    /** Waits for the answers of every propagation of the namespace so far (also other threads': harmless). */
    boolean awaitNamespace(String name, Duration timeout) {
        Queue<Map<Member, Future<Boolean>>> pending = propagating.get(name);
        if (pending == null) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (Map<Member, Future<Boolean>> futures; (futures = pending.poll()) != null; ) {
            all &= await(name, futures, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), true);
        }
        return all;
    }

    private boolean await(String name, Map<Member, Future<Boolean>> futures, Duration timeout, boolean log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> silent = new ArrayList<>();
        for (Map.Entry<Member, Future<Boolean>> f : futures.entrySet()) {
            try {
                f.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                silent.add(f.getKey().getAddress() + " (no answer)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                silent.add(f.getKey().getAddress() + " (interrupted)");
                break;
            } catch (ExecutionException e) {
                if (!Calls.retryable(e.getCause())) {
                    silent.add(f.getKey().getAddress() + " (" + e.getCause() + ")");
                }
                // a member that left meanwhile no longer checks anything
            }
        }
        if (!silent.isEmpty() && log) {
            ClusterStore.LOG.log(Level.WARNING, "sharedmemory: namespace \"{0}\" changed, but these members did not "
                    + "confirm they applied it within {1}: {2}", name, timeout, silent);
        }
        return silent.isEmpty();
    }

    // ---------------------------------------------------------------- what the engine reads

    ClusterTable table(String name) {
        ClusterTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("No namespace \"" + name + "\" in the memory \"" + store.memory
                    + "\"");
        }
        return t;
    }

    Optional<NamespaceConfig> configuration(String name) {
        NamespaceRecord l = latest.get(name);
        return l == null ? Optional.empty() : Optional.of(l.config());
    }

    /** Whether the namespace's steps run on their keys' owners (not those of a {@code custom} namespace). */
    boolean runsOnOwner(String namespace) {
        NamespaceRecord rec = latest.get(namespace);
        return rec == null || !NamespaceConfig.CUSTOM.equals(rec.config().conflictStrategy());
    }

    // ---------------------------------------------------------------- what other members report

    /**
     * A namespace record from another member's task: the engine is brought to it before this returns — also when
     * the namespaces map's event brought it first, whose push may still be queued (the pusher runs one at a time).
     */
    void applyFromTask(String name, byte[] record) {
        note(name, NamespaceRecord.parse(record));
        awaitPush(name);
    }

    void dropFromTask(String name, long incarnation) {
        forget(name, incarnation);
        awaitPush(name);
    }

    /** Under this object's lock: the newest record of a namespace, and the table of its incarnation. */
    private void hold(String name, NamespaceRecord rec) {
        latest.put(name, rec);
        ClusterTable t = tables.get(name);
        if (t == null || t.incarnation != rec.incarnation()) {
            forgetTable(name);
            tables.put(name, new ClusterTable(store, name, rec.incarnation()));
        }
    }

    /** Under this object's lock: the namespace's table and feed go (another incarnation replaces them, or none). */
    private void forgetTable(String name) {
        ClusterTable t = tables.remove(name);
        ChangeFeed f = feeds.remove(name);
        if (t != null && f != null && f.registration != null) {
            ClusterStore.quietly(() -> t.map().removeEntryListener(f.registration));
        }
    }

    /** @return whether the namespace's incarnation was held (it is not any more) */
    private synchronized boolean forget(String name, long incarnation) {
        NamespaceRecord l = latest.get(name);
        if (l == null || l.incarnation() != incarnation) {
            return false;
        }
        latest.remove(name);
        forgetTable(name);
        return true;
    }

    /** @return whether {@code latest} changed */
    private synchronized boolean note(String name, NamespaceRecord rec) {
        if (!running) {
            return false;
        }
        NamespaceRecord l = latest.get(name);
        if (l != null && l.incarnation() == rec.incarnation() && l.rev() >= rec.rev()) {
            return false;
        }
        if (l != null && l.incarnation() != rec.incarnation()) {
            // which of two incarnations is newer only the namespaces map can tell
            byte[] now = Calls.call("reading namespace \"" + name + "\"", false, () -> namespaces.get(name));
            if (now == null) {
                latest.remove(name);
                forgetTable(name);
                return true;
            }
            rec = NamespaceRecord.parse(now);
        }
        hold(name, rec);
        return true;
    }

    private void schedulePush(String name) {
        try {
            pusher.execute(() -> push(name));
        } catch (RejectedExecutionException closing) {
            // the store is closing
        }
    }

    private void awaitPush(String name) {
        try {
            pusher.submit(() -> push(name)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RejectedExecutionException e) {
            ClusterStore.LOG.log(Level.WARNING, "sharedmemory: namespace \"" + name + "\" could not be applied here",
                    e);
        }
    }

    /** On the pusher thread: the engine brings its namespace to what this store holds now. */
    private void push(String name) {
        if (!running) {
            return;
        }
        NamespaceRecord l = latest.get(name);
        try {
            if (l == null) {
                listener.namespaceDropped(name);
            } else {
                listener.namespaceChanged(name, l.config());
            }
        } catch (RuntimeException e) {
            ClusterStore.LOG.log(Level.WARNING, "sharedmemory: namespace \"" + name + "\" could not be applied to "
                    + "this member's engine", e);
        }
    }

    /** Events of the namespaces map: changes made through other members (and this one's, which change nothing). */
    private final class NamespaceEvents implements EntryAddedListener<String, byte[]>,
            EntryUpdatedListener<String, byte[]>, EntryRemovedListener<String, byte[]>,
            EntryMergedListener<String, byte[]> {
        @Override
        public void entryAdded(EntryEvent<String, byte[]> event) {
            changed(event);
        }

        /** A namespace the other side of a split created, added when the cluster merged. */
        @Override
        public void entryMerged(EntryEvent<String, byte[]> event) {
            changed(event);
        }

        @Override
        public void entryUpdated(EntryEvent<String, byte[]> event) {
            changed(event);
        }

        private void changed(EntryEvent<String, byte[]> event) {
            try {
                if (note(event.getKey(), NamespaceRecord.parse(event.getValue()))) {
                    schedulePush(event.getKey());
                }
            } catch (RuntimeException e) {
                ClusterStore.LOG.log(Level.WARNING, "sharedmemory: a namespace event could not be applied", e);
            }
        }

        @Override
        public void entryRemoved(EntryEvent<String, byte[]> event) {
            byte[] old = event.getOldValue();
            if (old != null && forget(event.getKey(), NamespaceRecord.parse(old).incarnation())) {
                schedulePush(event.getKey());
            }
        }
    }

    // ---------------------------------------------------------------- change feeds

    /** From when this returns, the namespace's changes reach the engine (see {@link ChangeFeed}). */
    synchronized void listen(String namespace) {
        ClusterTable t = tables.get(namespace);
        if (listener == StoreListener.NONE || t == null || feeds.containsKey(namespace)) {
            return;
        }
        ChangeFeed f = new ChangeFeed(t, listener);
        f.registration = Calls.call("listening to namespace \"" + namespace + "\"", false,
                () -> t.map().addEntryListener(f, true));
        feeds.put(namespace, f);
    }

    ChangeFeed feed(String namespace) {
        return feeds.get(namespace);
    }

    /** Every feed, and the namespaces without one, are told that changes may have been lost. */
    void lostEverywhere(String reason) {
        if (feeds.isEmpty()) {
            listener.mayHaveMissed(null, null, reason);
            return;
        }
        for (ChangeFeed f : feeds.values()) {
            f.lost(null, reason);
        }
        Set<String> withoutFeed = new HashSet<>(tables.keySet());
        withoutFeed.removeAll(feeds.keySet());
        for (String ns : withoutFeed) {
            listener.mayHaveMissed(ns, null, reason);
        }
    }
}
