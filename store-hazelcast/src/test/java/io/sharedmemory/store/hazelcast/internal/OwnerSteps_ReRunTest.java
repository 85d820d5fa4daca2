package io.sharedmemory.store.hazelcast.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.map.IMap;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult;
import io.sharedmemory.engine.internal.step.WriteStep;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.hazelcast.HazelcastStore;
import io.sharedmemory.store.hazelcast.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Hazelcast's at-least-once execution would do after an owner fails between applying a step and answering —
 * run the very same operation again — done on purpose: the second run is answered with the first run's answer, word
 * for word, and changes nothing; an operation its caller already gave up on changes nothing either. A merge is not
 * doubled, a compare-and-set does not win twice.
 */
class OwnerSteps_ReRunTest {
    private static TestCluster cluster;
    private static final List<SharedMemory> memories = new ArrayList<>();
    private static final List<HazelcastStore> stores = new ArrayList<>();

    @BeforeAll
    static void form() {
        cluster = TestCluster.of(2);
        for (int i = 0; i < 2; i++) {
            HazelcastStore s = HazelcastStore.on(cluster.member(i), "rerun");
            stores.add(s);
            memories.add(SharedMemory.create(SharedMemoryOptions.builder().store(s).build()));
        }
        memories.get(0).createNamespace("merge", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).build());
    }

    @AfterAll
    static void stop() {
        memories.forEach(SharedMemory::destroy);
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ClusterStore store() throws ReflectiveOperationException {
        java.lang.reflect.Field f = HazelcastStore.class.getDeclaredField("store");
        f.setAccessible(true);
        return (ClusterStore) f.get(stores.get(0));
    }

    /** One of the engine's merge steps, appending {@code item} to the list at {@code key}, in its binary form. */
    private static byte[] mergeStep(ClusterStore store, String key, String item, long expectedVersion)
            throws Exception {
        NamespaceConfig config = memories.get(0).getNamespaceConfig("merge").orElseThrow();
        io.sharedmemory.spi.ConflictStrategy merge = ServiceLoader.load(io.sharedmemory.spi.ConflictStrategy.class)
                .stream().map(ServiceLoader.Provider::get).filter(s -> s.name().equals(NamespaceConfig.MERGE))
                .findFirst().orElseThrow();
        WriteOptions options = expectedVersion < 0 ? WriteOptions.none()
                : WriteOptions.builder().expectedVersion(expectedVersion).build();
        WriteStep step = new WriteStep("merge", key, config, merge, "agent", List.of(item), Map.of(), options,
                System.currentTimeMillis(), 0, SharedMemoryOptions.DEFAULT_MAX_VALUE_BYTES, null, null);
        step.withRoom(); // the engine would reserve room for a new key; here the room question is not the point
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        store.codec.writeStep(step, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static IMap<String, byte[]> entries(ClusterStore store) {
        return cluster.member(1).getMap(((ClusterTable) store.entries("merge")).mapName);
    }

    @Test
    void aMergeRunAgain_isAnsweredAsTheFirstRun_andNotDoubled() throws Exception {
        ClusterStore store = store();
        IMap<String, byte[]> map = entries(store);
        byte[] step = mergeStep(store, "list", "a", -1);
        long slot = Slots.randomId();
        byte[] payload = OwnerSteps.stepPayload("rerun", slot, 1, System.currentTimeMillis(), false, step);
        long repeatsBefore = Diagnostics.repeatsAnswered();

        byte[] first = map.executeOnKey("list", new Processor(Processor.STEP, payload));
        byte[] recordAfterFirst = map.get("list");
        byte[] second = map.executeOnKey("list", new Processor(Processor.STEP, payload));

        assertArrayEquals(first, second, "the re-run gets the first run's answer");
        assertArrayEquals(recordAfterFirst, map.get("list"), "and changes nothing");
        assertEquals(repeatsBefore + 1, Diagnostics.repeatsAnswered());
        assertEquals(List.of("a"), memories.get(1).read("merge", "list", "reader"));

        byte[] another = OwnerSteps.stepPayload("rerun", slot, 2, System.currentTimeMillis(), false,
                mergeStep(store, "list", "a", -1));
        map.executeOnKey("list", new Processor(Processor.STEP, another));
        assertEquals(List.of("a", "a"), memories.get(1).read("merge", "list", "reader"),
                "a new operation with the same content is applied: idempotence is by operation, not by value");
        assertEquals(2, memories.get(0).readEntry("merge", "list", "reader").orElseThrow().version());
    }

    @Test
    void aCompareAndSetRunAgain_doesNotWinTwice() throws Exception {
        ClusterStore store = store();
        IMap<String, byte[]> map = entries(store);
        assertEquals(WriteResult.written(1), memories.get(0).write("merge", "cas", List.of("x"), "agent"));
        byte[] payload = OwnerSteps.stepPayload("rerun", Slots.randomId(), 7, System.currentTimeMillis(), false,
                mergeStep(store, "cas", "y", 1));
        Response first = Response.parse(map.executeOnKey("cas", new Processor(Processor.STEP, payload)));
        Response second = Response.parse(map.executeOnKey("cas", new Processor(Processor.STEP, payload)));
        assertEquals(first.rev(), second.rev());
        Decision d1 = store.codec.readDecision(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(first.decision())));
        Decision d2 = store.codec.readDecision(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(second.decision())));
        assertEquals(WriteResult.Status.WRITTEN, ((WriteStep) d1).status());
        assertEquals(WriteResult.Status.WRITTEN, ((WriteStep) d2).status(),
                "the re-run is told it won, as the first run was — not VERSION_MISMATCH");
        assertEquals(2, memories.get(1).readEntry("merge", "cas", "reader").orElseThrow().version(),
                "one win: version 2, not 3");
        assertEquals(List.of("x", "y"), memories.get(1).read("merge", "cas", "reader"));
    }

    @Test
    void anOperationItsCallerGaveUpOn_changesNothingWhenItArrivesLate() throws Exception {
        ClusterStore store = store();
        IMap<String, byte[]> map = entries(store);
        long slot = Slots.randomId();
        byte[] late = OwnerSteps.stepPayload("rerun", slot, 1, System.currentTimeMillis(), false,
                mergeStep(store, "late", "old", -1));
        byte[] next = OwnerSteps.stepPayload("rerun", slot, 2, System.currentTimeMillis(), false,
                mergeStep(store, "late", "new", -1));
        map.executeOnKey("late", new Processor(Processor.STEP, next));
        Response r = Response.parse(map.executeOnKey("late", new Processor(Processor.STEP, late)));
        assertEquals(Response.STALE, r.status());
        assertEquals(List.of("new"), memories.get(0).read("merge", "late", "reader"));
    }
}
