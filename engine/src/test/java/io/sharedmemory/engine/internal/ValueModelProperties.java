package io.sharedmemory.engine.internal;

import io.sharedmemory.engine.internal.values.Values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sharedmemory.api.ChangeEvent;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.WriteOptions;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The value model: what is written is what is read (equal, and equal again after the caller changed its own copy),
 * what is read cannot be changed, and a value the engine produced can be written back unchanged. Values are random
 * JSON-like trees with mutable containers, nulls inside containers and every accepted number type.
 */
class ValueModelProperties {
    private static SharedMemory memory;

    @BeforeContainer
    static void start() {
        memory = SharedMemory.create(ProofPlugins.options(Clock.systemUTC()).build());
        memory.createNamespace("v", NamespaceConfig.builder().defaultPermission(Permission.WRITE).build());
        memory.createNamespace("m", NamespaceConfig.builder().defaultPermission(Permission.WRITE)
                .conflictStrategy(NamespaceConfig.MERGE).build());
    }

    @AfterContainer
    static void stop() {
        memory.destroy();
    }

    @Provide
    Arbitrary<Object> values() {
        return json(4);
    }

    static Arbitrary<Object> json(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.bigIntegers().between(BigInteger.valueOf(Long.MIN_VALUE).pow(2).negate(),
                        BigInteger.valueOf(Long.MAX_VALUE).pow(2)).map(b -> (Object) b),
                Arbitraries.bigDecimals().ofScale(4).map(b -> (Object) b),
                Arbitraries.shorts().map(s -> (Object) s),
                Arbitraries.bytes().map(b -> (Object) b));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<Object> child = Arbitraries.lazy(() -> json(depth - 1));
        Arbitrary<Object> nullable = child.injectNull(0.1);
        Arbitrary<Object> lists = nullable.list().ofMaxSize(5).map(l -> (Object) new ArrayList<>(l));
        Arbitrary<Object> maps = Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), nullable).ofMaxSize(5)
                .map(m -> (Object) new LinkedHashMap<>(m));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, scalars), net.jqwik.api.Tuple.of(2, lists),
                net.jqwik.api.Tuple.of(2, maps));
    }

    @Property(tries = 300)
    void whatIsWrittenIsWhatIsReadAndCannotBeChanged(@ForAll("values") Object value) {
        Object expected = deepCopy(value);
        assertTrue(memory.write("v", "k", value, "a").isWritten());
        scribble(value);
        Object read = memory.read("v", "k", "a");
        assertEquals(expected, read, "the stored value is not the value written, or changed with the caller's copy");
        assertUnmodifiable(read);
        // what the engine gave out can go back in unchanged, metadata included
        assertTrue(memory.write("v", "k2", read, "a", WriteOptions.builder().metadata(Map.of("copy", read)).build())
                .isWritten());
        assertEquals(expected, memory.read("v", "k2", "a"));
        assertEquals(expected, memory.readEntry("v", "k2", "a").orElseThrow().metadata().get("copy"));
    }

    @Property(tries = 100)
    void mergeOfMapsIsTheirUnionWithTheIncomingSideWinning(@ForAll("values") Object a, @ForAll("values") Object b) {
        memory.delete("m", "k", "a");
        if (!(a instanceof Map<?, ?> ma) || !(b instanceof Map<?, ?> mb)) {
            return;
        }
        Map<Object, Object> expected = new LinkedHashMap<>(deepCopyMap(ma));
        expected.putAll(deepCopyMap(mb));
        memory.write("m", "k", a, "a");
        memory.write("m", "k", b, "a");
        assertEquals(expected, memory.read("m", "k", "a"));
        // merging the same map again changes nothing but the version
        memory.write("m", "k", b, "a");
        assertEquals(expected, memory.read("m", "k", "a"));
    }

    @Property(tries = 100)
    void broadcastDeliversTheSnapshotOfTheMessage(@ForAll("values") Object message) throws Exception {
        List<ChangeEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Object expected = deepCopy(message);
        try (var sub = memory.subscribe("v", "listener", seen::add)) {
            memory.broadcast("v", message, "a");
            scribble(message);
            assertTrue(sub.awaitDelivery(java.time.Duration.ofSeconds(10)));
        }
        assertEquals(1, seen.size());
        assertEquals(expected, seen.get(0).value());
        assertUnmodifiable(seen.get(0).value());
    }

    private static Map<Object, Object> deepCopyMap(Map<?, ?> m) {
        Map<Object, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, deepCopy(v)));
        return out;
    }

    static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> m) {
            return deepCopyMap(m);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        return v;
    }

    /** Changes the caller's own containers after the write. */
    @SuppressWarnings("unchecked")
    private static void scribble(Object v) {
        if (v instanceof Map<?, ?> m) {
            new ArrayList<>(m.values()).forEach(ValueModelProperties::scribble);
            ((Map<String, Object>) m).put("scribbled", 1);
        } else if (v instanceof List<?> l) {
            new ArrayList<>(l).forEach(ValueModelProperties::scribble);
            ((List<Object>) l).add("scribbled");
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertUnmodifiable(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> mm = (Map<String, Object>) m;
            // a mutator that would change nothing (clear of an empty map) may return quietly: only changes must fail
            assertThrows(UnsupportedOperationException.class, () -> mm.put("x", 1));
            if (!mm.isEmpty()) {
                String first = mm.keySet().iterator().next();
                assertThrows(UnsupportedOperationException.class, () -> mm.remove(first));
                assertThrows(UnsupportedOperationException.class, mm::clear);
                assertThrows(UnsupportedOperationException.class,
                        () -> mm.entrySet().iterator().next().setValue(1));
                assertThrows(UnsupportedOperationException.class, () -> {
                    var it = mm.entrySet().iterator();
                    it.next();
                    it.remove();
                });
            }
            m.values().forEach(ValueModelProperties::assertUnmodifiable);
        } else if (v instanceof List<?> l) {
            List<Object> ll = (List<Object>) l;
            assertThrows(UnsupportedOperationException.class, () -> ll.add(1));
            if (!ll.isEmpty()) {
                assertThrows(UnsupportedOperationException.class, ll::clear);
                assertThrows(UnsupportedOperationException.class, () -> ll.set(0, 1));
                assertThrows(UnsupportedOperationException.class, () -> ll.remove(0));
            }
            l.forEach(ValueModelProperties::assertUnmodifiable);
        }
    }

    @Property(tries = 50)
    void snapshotsOfEqualValuesAreEqualAndHashAlike(@ForAll("values") Object value) throws Exception {
        Object a = Values.snapshot(value, Long.MAX_VALUE);
        Object b = Values.snapshot(deepCopy(value), Long.MAX_VALUE);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(value.hashCode(), a.hashCode(), "a snapshot hashes like the java.util value it copies");
        assertEquals(Values.estimatedBytes(a), Values.estimatedBytes(b));
        Map<String, Object> holder = new HashMap<>();
        holder.put("v", a);
        assertEquals(Map.of("v", value), holder);
    }
}
