package io.sharedmemory.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import io.sharedmemory.store.StoreContext;
import io.sharedmemory.store.hazelcast.internal.ClusterStore;
import io.sharedmemory.store.hazelcast.internal.Wire;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A memory shared by every member of a Hazelcast cluster. Two {@code SharedMemory} instances built on two members of
 * one cluster with stores of the same memory name are the same memory: a namespace created through one exists in the
 * other with the same configuration and permissions, a write through one is read through the other, a subscriber on
 * one receives every change committed after {@code subscribe} returned, whichever member made it, and a broadcast
 * reaches the subscribers of every member.
 *
 * <pre>{@code
 * HazelcastInstance member = Hazelcast.newHazelcastInstance(config);      // configured as you like
 * SharedMemory memory = SharedMemory.create(SharedMemoryOptions.builder()
 *         .store(HazelcastStore.on(member))
 *         .build());
 * }</pre>
 *
 * <h2>What it needs of the member</h2>
 * Nothing beforehand: {@link #on} works with any running member. It registers its serializers (stream serializers with
 * fixed type ids; no Java serialization, no class-name lookups) on that member if the member's configuration does not
 * have them. A member that holds data but never opens a memory must know them from its configuration:
 * {@link #configure(Config)}. Everything a memory stores is named after the memory ({@code <memory>.namespaces},
 * {@code <memory>.rooms}, {@code <memory>.ns.*}, {@code <memory>.broadcasts}); map settings for those names in the
 * member's configuration apply (keep the default of one synchronous backup, or more). Optional tuning, in the member's
 * configuration: {@code hazelcast.operation.fail.on.indeterminate.state=true} (an operation whose member fails is
 * reported to the store rather than retried silently; the store asks again under the same name and learns the real
 * outcome), and split-brain protection for the {@code <memory>.*} maps and the broadcasts' ring buffer
 * {@code _hz_rb_<memory>.broadcasts} (see below).
 *
 * <h2>Guarantees, and what is weaker than in one process</h2>
 * <ul>
 *   <li>A write's step runs atomically on the key's owner, with the owner's strategies; a step that Hazelcast runs
 *       again after the owner failed is answered as the first run was (each operation is named, and the key's record
 *       keeps the answers of its last changes). A {@code custom} namespace's resolver is a function of one process:
 *       its writes decide in the writer's process and install on the owner with a compare-and-set loop.</li>
 *   <li>{@code maxEntries} is exact across the cluster (one counter per namespace, decided on its owner); a member
 *       that dies between taking a room and adding its key (or removing a key and giving its room back) leaves the
 *       namespace one entry short of its limit, never over it.</li>
 *   <li>Every read judges the entry's own deadline to the millisecond; each expiry is reported once across the
 *       cluster, by the member whose sweep removed it.</li>
 *   <li>Subscribers receive each change once, per key in commit order (not across keys), with its agent and version;
 *       when changes may have been lost (a member failed, the cluster merged after a split, an event arrived after a
 *       gap) they receive {@code ChangeAction.RESYNC} and should re-read.</li>
 *   <li>A namespace's configuration change returns once every other member has applied it under its gate (or has not
 *       answered within 30 s, which is logged): after {@code updatePermissions} returns, no member still runs a write
 *       checked against the old permissions.</li>
 *   <li>Access log and audit sinks are per member: each member records its own agents' operations, and
 *       {@code getAccessLog()} answers with this member's log ({@link #describe()} names the member).</li>
 *   <li>During a network partition (split brain) each side keeps serving on its own unless split-brain protection is
 *       configured for the memory's maps; when the sides merge, Hazelcast's merge policy for those maps (by default
 *       {@code PutIfAbsentMergePolicy}: the larger side's records win, the smaller side's keys that the larger side
 *       lacks are added) decides per key, without the namespace's strategy; changes on the smaller side may be lost,
 *       room counts may be off, and every subscriber receives {@code RESYNC}.</li>
 * </ul>
 * Closing the memory closes the store; it never shuts down the member it was given (the caller owns it).
 */
public final class HazelcastStore implements MemoryStore {
    /** The store's name, as the engine's {@code store} configuration refers to it inside OSGi. */
    public static final String NAME = "hazelcast";
    /** The memory name {@link #on(HazelcastInstance)} uses. */
    public static final String DEFAULT_MEMORY = "sharedmemory";

    private final ClusterStore store;
    private final HazelcastInstance instance;

    private HazelcastStore(ClusterStore store, HazelcastInstance instance) {
        this.store = store;
        this.instance = instance;
    }

    /**
     * @param instance a running member of the cluster
     * @return a store of the memory {@value #DEFAULT_MEMORY} on that cluster, not yet opened
     */
    public static HazelcastStore on(HazelcastInstance instance) {
        return on(instance, DEFAULT_MEMORY);
    }

    /**
     * @param instance a running member of the cluster
     * @param memory which memory: stores of different names on one cluster are separate memories (a name of letters,
     *        digits, '-' and '_')
     * @return a store of that memory, not yet opened
     */
    public static HazelcastStore on(HazelcastInstance instance, String memory) {
        Objects.requireNonNull(instance, "instance");
        return new HazelcastStore(new ClusterStore(checkMemory(memory), List.of(instance)), instance);
    }

    /**
     * Adds what the store needs to a member's configuration before the member starts: its serializers. Needed only for
     * a member that holds data without ever opening a memory ({@link #on} registers them on a running member itself).
     *
     * @param config the configuration
     * @return the same configuration
     */
    public static Config configure(Config config) {
        Wire.configure(Objects.requireNonNull(config, "config"));
        return config;
    }

    static String checkMemory(String memory) {
        Objects.requireNonNull(memory, "memory");
        if (memory.isEmpty() || memory.length() > 100 || !memory.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("memory name \"" + memory + "\": 1 to 100 letters, digits, '-' or '_'");
        }
        return memory;
    }

    /** A store that works through several members of one cluster in turn: for tests in one JVM. */
    static HazelcastStore spread(List<HazelcastInstance> members, String memory) {
        return new HazelcastStore(new ClusterStore(checkMemory(memory), members), members.get(0));
    }

    /** @return the member this store was given (it is not shut down by {@link #close()}) */
    public HazelcastInstance instance() {
        return instance;
    }

    /** @return the memory's name */
    public String memory() {
        return store.memory();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return Set.of(StoreCapability.SHARED);
    }

    @Override
    public Map<String, NamespaceConfig> open(StoreContext context) {
        return store.open(context);
    }

    @Override
    public boolean addNamespace(String name, NamespaceConfig config) {
        return store.addNamespace(name, config);
    }

    @Override
    public void saveNamespace(String name, NamespaceConfig config) {
        store.saveNamespace(name, config);
    }

    @Override
    public void saveNamespace(String name, NamespaceConfig previous, NamespaceConfig config) {
        store.saveNamespace(name, previous, config);
    }

    @Override
    public void dropNamespace(String name) {
        store.dropNamespace(name);
    }

    @Override
    public EntryTable entries(String name) {
        return store.entries(name);
    }

    @Override
    public java.util.Optional<NamespaceConfig> configuration(String name) {
        return store.configuration(name);
    }

    @Override
    public void listen(String namespace) {
        store.listen(namespace);
    }

    @Override
    public boolean awaitReported(String namespace, Duration timeout) throws InterruptedException {
        return store.awaitReported(namespace, timeout);
    }

    @Override
    public void broadcast(String namespace, Object message, String agentId, long atMillis) {
        store.broadcast(namespace, message, agentId, atMillis);
    }

    @Override
    public boolean awaitNamespace(String name, Duration timeout) {
        return store.awaitNamespace(name, timeout);
    }

    /**
     * @return the store, the memory, the cluster's name and members, the backups per entry, whether every partition
     *         has its replicas, what is durable, and whose access log this member's memory keeps
     */
    @Override
    public Map<String, String> describe() {
        return store.describe();
    }

    /**
     * @param namespace a namespace of the memory
     * @return the rooms its counter holds: stored entries plus reservations outstanding (equal to the number of
     *         entries when nothing is in flight and no member died mid-operation)
     */
    public long roomsUsed(String namespace) {
        return store.roomsUsed(namespace);
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "HazelcastStore[" + instance.getName() + "]";
    }
}
