package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.StoreCodec;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.StoreException;
import io.sharedmemory.store.StoreListener;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One memory on a Hazelcast cluster, as one member's store sees it: the namespaces map (name → {@link
 * NamespaceRecord}), one entry map per namespace ({@link ClusterTable}), the rooms map ({@link Rooms}), the
 * broadcasts topic ({@link Broadcasts}), all named after the memory, and what keeps this member's engine in step with
 * the others.
 *
 * <h2>Namespaces across members</h2>
 * A namespace is added, reconfigured or dropped by a {@link Processor} on its record's owner, then a
 * {@link NamespaceTask} goes to every other member, whose stores bring their engines to it before answering;
 * {@link #awaitNamespace} waits for those answers (the engine calls it after releasing its locks). Changes made
 * elsewhere also arrive as events of the namespaces map. Either way they end in {@code latest} — the newest record
 * known per name, with {@code tables} always holding the table of that record's incarnation — and a single thread
 * ({@code pusher}) tells the engine that the namespace changed; the engine then reads {@link #configuration} under the
 * namespace's gate. So a report that arrives late, or two reports in the wrong order, never take the engine back to an
 * older configuration.
 *
 * <h2>Losses</h2>
 * Map events are not re-sent when a member fails: when a member leaves (or the cluster merges after a split), every
 * feed reports a possible loss to the engine, which tells the subscribers.
 */
public final class ClusterStore implements LocalEngines.Handle {
    static final System.Logger LOG = System.getLogger("io.sharedmemory.store.hazelcast");
    /** The task executor's name: a member's pool of Hazelcast executor threads for namespace tasks. */
    private static final String EXECUTOR = "sharedmemory";

    final String memory;
    /** The members this store works through: one, except in tests that spread operations over several. */
    final List<HazelcastInstance> members;
    final Slots slots = new Slots();
    StoreCodec codec;
    Clock clock;
    private StoreListener listener = StoreListener.NONE;
    private boolean open;
    private boolean closed;

    private final Map<String, NamespaceRecord> latest = new ConcurrentHashMap<>();
    private final Map<String, ClusterTable> tables = new ConcurrentHashMap<>();
    private final Map<String, ChangeFeed> feeds = new ConcurrentHashMap<>();
    private final Map<String, Map<Member, Future<Boolean>>> propagating = new ConcurrentHashMap<>();
    private ExecutorService pusher;
    private IMap<String, byte[]> namespaces;
    private IMap<String, byte[]> rooms;
    private UUID namespaceListener;
    private final List<UUID> membershipListeners = new ArrayList<>();
    private final List<UUID> lifecycleListeners = new ArrayList<>();
    private Broadcasts broadcasts;

    public ClusterStore(String memory, List<HazelcastInstance> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("no member");
        }
        this.memory = memory;
        this.members = List.copyOf(members);
    }

    HazelcastInstance member() {
        return members.get(0);
    }

    /** @return the memory's name */
    public String memory() {
        return memory;
    }

    IMap<String, byte[]> rooms() {
        return rooms;
    }

    @Override
    public StoreCodec codec() {
        return codec;
    }

    // ---------------------------------------------------------------- lifecycle

    public synchronized Map<String, NamespaceConfig> open(StoreContext context) {
        if (open) {
            throw new IllegalStateException("The Hazelcast store of memory \"" + memory + "\" is open already: a store "
                    + "serves one memory");
        }
        codec = context.codec();
        clock = context.clock();
        listener = context.listener();
        closed = false;
        for (HazelcastInstance hz : members) {
            if (!hz.getLifecycleService().isRunning()) {
                throw new StoreException("The Hazelcast member " + hz.getName() + " is not running");
            }
            Wire.register(hz);
        }
        namespaces = member().getMap(memory + ".namespaces");
        rooms = member().getMap(memory + ".rooms");
        pusher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sharedmemory-namespaces-" + memory);
            t.setDaemon(true);
            return t;
        });
        boolean engine = listener != StoreListener.NONE;
        try {
            if (engine) {
                namespaceListener = Calls.call("listening to namespaces", false,
                        () -> namespaces.addEntryListener(new NamespaceEvents(), true));
                for (HazelcastInstance hz : members) {
                    membershipListeners.add(hz.getCluster().addMembershipListener(new Departures()));
                    lifecycleListeners.add(hz.getLifecycleService().addLifecycleListener(this::lifecycle));
                }
                broadcasts = new Broadcasts(this, listener);
            }
            for (HazelcastInstance hz : members) {
                LocalEngines.of(hz).add(memory, this);
            }
            Map<String, NamespaceConfig> held = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> e : Calls.call("reading namespaces", false, () -> namespaces.entrySet())) {
                NamespaceRecord rec = NamespaceRecord.parse(e.getValue());
                synchronized (this) {
                    latest.put(e.getKey(), rec);
                    tables.put(e.getKey(), new ClusterTable(this, e.getKey(), rec.incarnation()));
                }
                held.put(e.getKey(), rec.config());
            }
            open = true;
            return held;
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        closed = true;
        release();
    }

    private void release() {
        for (HazelcastInstance hz : members) {
            if (hz.getLifecycleService().isRunning()) {
                try {
                    LocalEngines.of(hz).remove(memory, this);
                } catch (RuntimeException ignored) {
                    // the member is going down
                }
            }
        }
        quietly(() -> {
            if (namespaceListener != null) {
                namespaces.removeEntryListener(namespaceListener);
            }
        });
        namespaceListener = null;
        for (int i = 0; i < membershipListeners.size(); i++) {
            UUID m = membershipListeners.get(i);
            UUID l = lifecycleListeners.get(i);
            HazelcastInstance hz = members.get(i);
            quietly(() -> hz.getCluster().removeMembershipListener(m));
            quietly(() -> hz.getLifecycleService().removeLifecycleListener(l));
        }
        membershipListeners.clear();
        lifecycleListeners.clear();
        if (broadcasts != null) {
            broadcasts.close();
            broadcasts = null;
        }
        for (Map.Entry<String, ChangeFeed> f : feeds.entrySet()) {
            ClusterTable t = tables.get(f.getKey());
            UUID id = f.getValue().registration;
            if (t != null && id != null) {
                quietly(() -> t.map().removeEntryListener(id));
            }
        }
        feeds.clear();
        tables.clear();
        latest.clear();
        propagating.clear();
        if (pusher != null) {
            pusher.shutdownNow();
        }
        listener = StoreListener.NONE;
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "sharedmemory store: release step failed", e);
        }
    }

    private void lifecycle(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
            lostEverywhere("this member rejoined the cluster after a split; changes made on the other side may not "
                    + "have been reported here");
        }
    }

    /** Every member that leaves may have taken events of changes it committed: every feed reports a loss. */
    private final class Departures implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            lostEverywhere("cluster member " + event.getMember().getAddress() + " left; changes it committed "
                    + "just before may not have been reported");
        }
    }

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

    // ---------------------------------------------------------------- namespaces

    public boolean addNamespace(String name, NamespaceConfig config) {
        requireOpen();
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

    /** Under this store's lock: the newest record of a namespace, and the table of its incarnation. */
    private void hold(String name, NamespaceRecord rec) {
        latest.put(name, rec);
        ClusterTable t = tables.get(name);
        if (t == null || t.incarnation != rec.incarnation()) {
            forgetTable(name);
            tables.put(name, new ClusterTable(this, name, rec.incarnation()));
        }
    }

    /** Under this store's lock: the namespace is gone (or another incarnation replaces it). */
    private void forgetTable(String name) {
        ClusterTable t = tables.remove(name);
        ChangeFeed f = feeds.remove(name);
        if (t != null && f != null && f.registration != null) {
            quietly(() -> t.map().removeEntryListener(f.registration));
        }
    }

    public void saveNamespace(String name, NamespaceConfig config) {
        NamespaceRecord l = latest.get(name);
        saveNamespace(name, l == null ? config : l.config(), config);
    }

    /** The difference between {@code previous} and {@code config} is applied to the record on its owner. */
    public void saveNamespace(String name, NamespaceConfig previous, NamespaceConfig config) {
        requireOpen();
        NamespaceRecord from = latest.get(name);
        if (from == null) {
            throw new StoreException("The cluster holds no namespace \"" + name + "\" (dropped through another member)");
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

    public void dropNamespace(String name) {
        requireOpen();
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

    public EntryTable entries(String name) {
        ClusterTable t = tables.get(name);
        if (t == null) {
            throw new IllegalArgumentException("No namespace \"" + name + "\" in the memory \"" + memory + "\"");
        }
        return t;
    }

    public java.util.Optional<NamespaceConfig> configuration(String name) {
        NamespaceRecord l = latest.get(name);
        return l == null ? java.util.Optional.empty() : java.util.Optional.of(l.config());
    }

    /** Whether the namespace's steps run on their keys' owners (not those of a {@code custom} namespace). */
    boolean runsOnOwner(String namespace) {
        NamespaceRecord rec = latest.get(namespace);
        return rec == null || !NamespaceConfig.CUSTOM.equals(rec.config().conflictStrategy());
    }

    private void requireOpen() {
        if (!open) {
            throw new StoreException(closed ? "The Hazelcast store of memory \"" + memory + "\" is closed"
                    : "The Hazelcast store of memory \"" + memory + "\" is not open");
        }
    }

    /** Tells every other member's stores; {@link #awaitNamespace} waits for their answers. */
    private Map<Member, Future<Boolean>> propagate(String name, byte[] record, long incarnation) {
        Set<Member> others = new HashSet<>(member().getCluster().getMembers());
        for (HazelcastInstance hz : members) {
            others.remove(hz.getCluster().getLocalMember());
        }
        if (others.isEmpty()) {
            propagating.remove(name);
            return Map.of();
        }
        Map<Member, Future<Boolean>> futures = member().getExecutorService(EXECUTOR)
                .submitToMembers(new NamespaceTask(memory, name, record, incarnation), others);
        propagating.put(name, futures);
        return futures;
    }

    public boolean awaitNamespace(String name, Duration timeout) {
        Map<Member, Future<Boolean>> futures = propagating.remove(name);
        return futures == null || await(name, futures, timeout, true);
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
            LOG.log(Level.WARNING, "sharedmemory: namespace \"{0}\" changed, but these members did not confirm "
                    + "they applied it within {1}: {2}", name, timeout, silent);
        }
        return silent.isEmpty();
    }

    // ---------------------------------------------------------------- what other members report

    /**
     * A namespace record from another member's task: the engine is brought to it before this returns — also when
     * the namespaces map's event brought it first, whose push may still be queued (the pusher runs one at a time).
     */
    @Override
    public void applyNamespace(String name, byte[] record) {
        note(name, NamespaceRecord.parse(record));
        awaitPush(name);
    }

    @Override
    public void dropNamespace(String name, long incarnation) {
        forget(name, incarnation);
        awaitPush(name);
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
        if (!open) {
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
        ExecutorService p = pusher;
        if (p != null && !p.isShutdown()) {
            try {
                p.execute(() -> push(name));
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // the store is closing
            }
        }
    }

    private void awaitPush(String name) {
        ExecutorService p = pusher;
        if (p == null || p.isShutdown()) {
            return;
        }
        try {
            p.submit(() -> push(name)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            LOG.log(Level.WARNING, "sharedmemory: namespace \"" + name + "\" could not be applied here", e);
        }
    }

    /** On the pusher thread: the engine brings its namespace to what this store holds now. */
    private void push(String name) {
        if (!open) {
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
            LOG.log(Level.WARNING, "sharedmemory: namespace \"" + name + "\" could not be applied to this member's "
                    + "engine", e);
        }
    }

    /** Events of the namespaces map: changes made through other members (and this one's, which change nothing). */
    private final class NamespaceEvents implements EntryAddedListener<String, byte[]>,
            EntryUpdatedListener<String, byte[]>, EntryRemovedListener<String, byte[]> {
        @Override
        public void entryAdded(EntryEvent<String, byte[]> event) {
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
                LOG.log(Level.WARNING, "sharedmemory: a namespace event could not be applied", e);
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

    // ---------------------------------------------------------------- changes and broadcasts

    public void listen(String namespace) {
        requireOpen();
        if (listener == StoreListener.NONE || feeds.containsKey(namespace)) {
            return;
        }
        synchronized (this) {
            ClusterTable t = tables.get(namespace);
            if (t == null || feeds.containsKey(namespace)) {
                return;
            }
            ChangeFeed f = new ChangeFeed(t, listener);
            f.registration = Calls.call("listening to namespace \"" + namespace + "\"", false,
                    () -> t.map().addEntryListener(f, true));
            feeds.put(namespace, f);
        }
    }

    /** A change this store committed: the namespace's feed (if any) waits for its event. */
    void committed(String namespace, String key, long base, long rev) {
        ChangeFeed f = feeds.get(namespace);
        if (f != null) {
            f.committed(key, base, rev);
        }
    }

    public boolean awaitReported(String namespace, Duration timeout) throws InterruptedException {
        ChangeFeed f = feeds.get(namespace);
        return f == null || f.awaitReported(timeout);
    }

    public void broadcast(String namespace, Object message, String agentId, long atMillis) {
        requireOpen();
        Broadcasts b = broadcasts;
        if (b != null) {
            b.send(namespace, message, agentId, atMillis);
        }
    }

    // ---------------------------------------------------------------- for operators

    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        HazelcastInstance hz = member();
        d.put("store", "hazelcast");
        d.put("memory", memory);
        try {
            d.put("cluster", hz.getConfig().getClusterName());
            Set<Member> all = hz.getCluster().getMembers();
            d.put("members", all.size() + " " + all.stream().map(m -> m.getAddress().toString()
                    + (m.localMember() ? " (this one)" : "")).toList());
            d.put("backups", hz.getConfig().findMapConfig(memory + ".ns.x").getBackupCount() + " synchronous, "
                    + hz.getConfig().findMapConfig(memory + ".ns.x").getAsyncBackupCount() + " asynchronous per entry");
            d.put("partitions safe", String.valueOf(hz.getPartitionService().isClusterSafe()));
        } catch (RuntimeException e) {
            d.put("cluster", "unavailable: " + e.getMessage());
        }
        d.put("durability", "as long as the cluster keeps a replica of each partition (members restarting lose "
                + "nothing while the others run)");
        String self;
        try {
            self = hz.getCluster().getLocalMember().getAddress().toString();
        } catch (RuntimeException e) {
            self = hz.getName();
        }
        d.put("access log", "this member's operations only (" + self + ")");
        return d;
    }

    /** Rooms used in a namespace (entries plus reservations), for tests and operators. */
    public long roomsUsed(String namespace) {
        return ((ClusterTable) entries(namespace)).roomsUsed();
    }
}
