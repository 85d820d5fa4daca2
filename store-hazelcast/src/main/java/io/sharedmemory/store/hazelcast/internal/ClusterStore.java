package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One memory on a Hazelcast cluster, as one member's store sees it. Everything the memory stores is named after it:
 * the namespaces map and each namespace's entry map ({@link ClusterNamespaces}, {@link ClusterTable}), the rooms map
 * ({@link Rooms}), the broadcasts topic ({@link Broadcasts}). This class owns the store's life (open, close), what ties
 * it to its member (the serializers, the registry of open stores that entry processors and tasks arriving at the member
 * look up, the listeners of the member's cluster), and what it tells operators.
 *
 * <p>Map events are not re-sent when a member fails: when a member leaves, or this member merges back after a split,
 * every feed reports a possible loss to the engine, which tells the subscribers.
 */
public final class ClusterStore implements LocalEngines.Handle {
    static final System.Logger LOG = System.getLogger("io.sharedmemory.store.hazelcast");

    final String memory;
    /** The members this store works through: one, except in tests that spread operations over several. */
    final List<HazelcastInstance> members;
    final Slots slots = new Slots();
    StoreCodec codec;
    Clock clock;
    private StoreListener listener = StoreListener.NONE;
    private boolean open;
    private boolean closed;
    private volatile ClusterNamespaces namespaces;
    private IMap<String, byte[]> rooms;
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
        rooms = member().getMap(memory + ".rooms");
        try {
            namespaces = new ClusterNamespaces(this, listener);
            if (listener != StoreListener.NONE) {
                for (HazelcastInstance hz : members) {
                    membershipListeners.add(hz.getCluster().addMembershipListener(new Departures()));
                    lifecycleListeners.add(hz.getLifecycleService().addLifecycleListener(this::lifecycle));
                }
                broadcasts = new Broadcasts(this, listener);
            }
            for (HazelcastInstance hz : members) {
                LocalEngines.of(hz).add(memory, this);
            }
            Map<String, NamespaceConfig> held = namespaces.start();
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
                quietly(() -> LocalEngines.of(hz).remove(memory, this));
            }
        }
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
        if (namespaces != null) {
            namespaces.stop();
        }
        listener = StoreListener.NONE;
    }

    static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "sharedmemory store: release step failed", e);
        }
    }

    private void lifecycle(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
            namespaces.lostEverywhere("this member rejoined the cluster after a split; changes made on the other side "
                    + "may not have been reported here");
        }
    }

    /** Every member that leaves may have taken events of changes it committed: every feed reports a loss. */
    private final class Departures implements MembershipListener {
        @Override
        public void memberAdded(MembershipEvent event) {
        }

        @Override
        public void memberRemoved(MembershipEvent event) {
            namespaces.lostEverywhere("cluster member " + event.getMember().getAddress() + " left; changes it "
                    + "committed just before may not have been reported");
        }
    }

    private ClusterNamespaces requireOpen() {
        if (!open) {
            throw new StoreException(closed ? "The Hazelcast store of memory \"" + memory + "\" is closed"
                    : "The Hazelcast store of memory \"" + memory + "\" is not open");
        }
        return namespaces;
    }

    // ---------------------------------------------------------------- namespaces

    public boolean addNamespace(String name, NamespaceConfig config) {
        return requireOpen().add(name, config);
    }

    public void saveNamespace(String name, NamespaceConfig config) {
        ClusterNamespaces n = requireOpen();
        n.save(name, n.latestConfig(name, config), config);
    }

    /** The difference between {@code previous} and {@code config} is applied to the record on its owner. */
    public void saveNamespace(String name, NamespaceConfig previous, NamespaceConfig config) {
        requireOpen().save(name, previous, config);
    }

    public void dropNamespace(String name) {
        requireOpen().drop(name);
    }

    public EntryTable entries(String name) {
        ClusterNamespaces n = namespaces;
        if (n == null) {
            throw new IllegalArgumentException("No namespace \"" + name + "\": the store is not open");
        }
        return n.table(name);
    }

    public Optional<NamespaceConfig> configuration(String name) {
        ClusterNamespaces n = namespaces;
        return n == null ? Optional.empty() : n.configuration(name);
    }

    boolean runsOnOwner(String namespace) {
        return namespaces.runsOnOwner(namespace);
    }

    public boolean awaitNamespace(String name, Duration timeout) {
        ClusterNamespaces n = namespaces;
        return n == null || n.awaitNamespace(name, timeout);
    }

    /** A namespace record from another member's task (see {@link NamespaceTask}). */
    @Override
    public void applyNamespace(String name, byte[] record) {
        ClusterNamespaces n = namespaces;
        if (n != null) {
            n.applyFromTask(name, record);
        }
    }

    @Override
    public void dropNamespace(String name, long incarnation) {
        ClusterNamespaces n = namespaces;
        if (n != null) {
            n.dropFromTask(name, incarnation);
        }
    }

    // ---------------------------------------------------------------- changes and broadcasts

    public void listen(String namespace) {
        requireOpen().listen(namespace);
    }

    /** A change this store committed: the namespace's feed (if any) waits for its event. */
    void committed(String namespace, String key, long base, long rev) {
        ChangeFeed f = namespaces.feed(namespace);
        if (f != null) {
            f.committed(key, base, rev);
        }
    }

    public boolean awaitReported(String namespace, Duration timeout) throws InterruptedException {
        ClusterNamespaces n = namespaces;
        ChangeFeed f = n == null ? null : n.feed(namespace);
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
        String self = hz.getName();
        try {
            d.put("cluster", hz.getConfig().getClusterName());
            Set<Member> all = hz.getCluster().getMembers();
            d.put("members", all.size() + " " + all.stream().map(m -> m.getAddress().toString()
                    + (m.localMember() ? " (this one)" : "")).toList());
            d.put("backups", hz.getConfig().findMapConfig(memory + ".ns.x").getBackupCount() + " synchronous, "
                    + hz.getConfig().findMapConfig(memory + ".ns.x").getAsyncBackupCount() + " asynchronous per entry");
            d.put("partitions safe", String.valueOf(hz.getPartitionService().isClusterSafe()));
            self = hz.getCluster().getLocalMember().getAddress().toString();
        } catch (RuntimeException e) {
            d.put("cluster", "unavailable: " + e.getMessage());
        }
        d.put("durability", "as long as the cluster keeps a replica of each partition (members restarting lose "
                + "nothing while the others run)");
        d.put("access log", "this member's operations only (" + self + ")");
        return d;
    }

    /** Rooms used in a namespace (entries plus reservations), for tests and operators. */
    public long roomsUsed(String namespace) {
        return ((ClusterTable) entries(namespace)).roomsUsed();
    }
}
