package io.sharedmemory.strategies.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link ConflictStrategy} should pass, ours and third parties'.
 *
 * <p>To use it, depend on {@code io.sharedmemory:sharedmemory-strategies} with {@code <type>test-jar</type>} and
 * {@code <scope>test</scope>}, and extend this class in a test named like {@code MyStrategy_ConformanceTest}:
 * <pre>{@code
 * class MaxValueStrategy_ConformanceTest extends ConflictStrategyConformance {
 *     protected ConflictStrategy createStrategy() { return new MaxValueStrategy(); }
 *     protected List<Object> sampleValues() { return List.of(1, 2.5, 42L); } // the values its namespaces hold
 * }
 * }</pre>
 *
 * <p>It checks that the strategy
 * <ul>
 *   <li>has a non-blank, stripped name that is the same on every call and every instance;</li>
 *   <li>neither returns null nor throws for every pair of {@link #sampleValues() sample values} under every
 *       {@link #sampleOptions(MemoryEntry) write option} and {@link #sampleConfigs() namespace configuration};</li>
 *   <li>does not mutate the entries, values or metadata it is given;</li>
 *   <li>replaces only with JSON-like values and metadata;</li>
 *   <li>decides equal inputs equally (deterministic), on one instance and across instances;</li>
 *   <li>is thread-safe: {@link #threads()} threads calling one instance concurrently get exactly the single-threaded
 *       decisions.</li>
 * </ul>
 * Every case is built from fresh copies of the sample values, so a strategy cannot pass by remembering instances. A
 * strategy that is deliberately not deterministic (for instance one that consults a clock) overrides the test it
 * cannot pass (the test methods are public for that) and says why, for instance with {@code @Disabled("…")}.
 */
public abstract class ConflictStrategyConformance {
    /** The namespace every case's context names. */
    protected static final String NAMESPACE = "conformance";
    /** The key every case's context names. */
    protected static final String KEY = "conformance-key";
    /** The owner of every case's existing entry. */
    protected static final String EXISTING_AGENT = "agent-existing";
    /** The writer of every case's incoming entry. */
    protected static final String INCOMING_AGENT = "agent-incoming";

    private static final Instant EXISTING_TIME = Instant.parse("2026-01-01T00:00:00Z");
    private static final int MAX_DEPTH = 64;

    /**
     * @return a new instance of the strategy under test; called more than once
     */
    protected abstract ConflictStrategy createStrategy();

    /**
     * The values written to a key: every ordered pair becomes an (existing, incoming) case. JSON-like, immutable or not
     * (the suite makes its own copies). The default covers scalars, maps, lists, nesting and null inside containers.
     *
     * @return the sample values; at least one
     */
    protected List<Object> sampleValues() {
        Map<String, Object> withNull = new LinkedHashMap<>();
        withNull.put("name", "Alice");
        withNull.put("nickname", null);
        List<Object> listWithNull = new ArrayList<>(Arrays.asList(1, null, "three"));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("user", Map.of("name", "Bob", "roles", List.of("reader", "writer")));
        nested.put("count", 7L);
        return List.of(
                "text", "", "ünïcödé ✓ \uD83D\uDE00",
                0, 42L, -1.5d, 3.25f, (short) 2, (byte) 1, new BigInteger("123456789012345678901234567890"),
                new BigDecimal("0.1"), true, false,
                Map.of(), Map.of("name", "Alice"), Map.of("age", 30, "name", "Carol"), withNull, nested,
                List.of(), List.of("a", "b"), listWithNull, List.of(Map.of("k", 1), List.of(2, 3)));
    }

    /**
     * The write options to try for one existing entry. The default: none, and an expected version equal to the
     * existing one (the engine only asks a strategy after such a check has passed), with metadata.
     *
     * @param existing the existing entry of the case
     * @return the options; at least one
     */
    protected List<WriteOptions> sampleOptions(MemoryEntry existing) {
        return List.of(WriteOptions.none(),
                WriteOptions.builder().expectedVersion(existing.version()).metadata(Map.of("reason", "cas")).build());
    }

    /**
     * The namespace configurations to try. The default: the defaults with this strategy's name. A strategy that reads
     * the configuration (as {@code custom} reads the resolver) returns one per behaviour worth covering; every one must
     * be deterministic and thread-safe.
     *
     * @return the configurations; at least one
     */
    protected List<NamespaceConfig> sampleConfigs() {
        return List.of(NamespaceConfig.builder().conflictStrategy(createStrategy().name()).build());
    }

    /** @return how many threads the thread-safety test runs at once; default 8 */
    protected int threads() {
        return 8;
    }

    /** @return how many times each thread of the thread-safety test runs every case; default 20 */
    protected int rounds() {
        return 20;
    }

    /**
     * One decision to ask for.
     *
     * @param existing the live entry
     * @param incoming the proposed entry
     * @param context the context
     */
    protected record Case(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        @Override
        public String toString() {
            return "existing=" + existing.value() + " incoming=" + incoming.value() + " options=" + context.options()
                    + " config=" + context.config();
        }
    }

    /**
     * Builds every case from fresh copies of the sample values.
     *
     * @param mutable whether values and metadata are plain mutable {@code LinkedHashMap}/{@code ArrayList} (to detect
     *        mutation) or unmodifiable (as the engine hands them)
     * @return the cases, in a stable order
     */
    protected final List<Case> cases(boolean mutable) {
        List<Object> values = sampleValues();
        List<NamespaceConfig> configs = sampleConfigs();
        assertFalse(values.isEmpty(), "sampleValues() must not be empty");
        assertFalse(configs.isEmpty(), "sampleConfigs() must not be empty");
        List<Case> cases = new ArrayList<>();
        for (Object a : values) {
            for (Object b : values) {
                for (NamespaceConfig config : configs) {
                    MemoryEntry existing = MemoryEntry.of(copy(a, mutable), EXISTING_AGENT, EXISTING_TIME, 3,
                            metadata("existing", mutable));
                    List<WriteOptions> options = sampleOptions(existing);
                    assertFalse(options.isEmpty(), "sampleOptions() must not be empty");
                    for (WriteOptions option : options) {
                        MemoryEntry incoming = MemoryEntry.of(copy(b, mutable), INCOMING_AGENT,
                                EXISTING_TIME.plusSeconds(1), existing.version() + 1,
                                option.metadata().isEmpty() ? metadata("incoming", mutable)
                                        : copyMap(option.metadata(), mutable));
                        cases.add(new Case(existing, incoming,
                                new ConflictContext(NAMESPACE, KEY, INCOMING_AGENT, option, config)));
                    }
                }
            }
        }
        return cases;
    }

    @Test
    public void name_isNonBlankStrippedAndStable() {
        ConflictStrategy strategy = createStrategy();
        String name = strategy.name();
        assertNotNull(name, "name()");
        assertFalse(name.isBlank(), "name() must not be blank");
        assertEquals(name.strip(), name, "name() must have no surrounding whitespace (namespaces strip theirs)");
        assertEquals(name, strategy.name(), "name() must be the same on every call");
        assertEquals(name, createStrategy().name(), "name() must be the same on every instance");
    }

    @Test
    public void resolve_neverReturnsNullNorThrowsForJsonLikeInputs() {
        ConflictStrategy strategy = createStrategy();
        for (Case c : cases(false)) {
            Resolution r;
            try {
                r = strategy.resolve(c.existing(), c.incoming(), c.context());
            } catch (RuntimeException e) {
                throw new AssertionError("resolve threw for " + c, e);
            }
            assertNotNull(r, () -> "resolve returned null for " + c);
            assertNotNull(r.kind(), () -> "resolution without a kind for " + c);
        }
    }

    /** The engine skips {@code resolve} for a strategy that says it accepts every write: the claim must be true. */
    @Test
    public void acceptsEveryWrite_onlyIfResolveAcceptsEveryCase() {
        ConflictStrategy strategy = createStrategy();
        if (!strategy.acceptsEveryWrite()) {
            return;
        }
        for (Case c : cases(false)) {
            assertEquals(Resolution.Kind.ACCEPT, strategy.resolve(c.existing(), c.incoming(), c.context()).kind(),
                    () -> "acceptsEveryWrite() is true, but resolve did not accept " + c);
        }
    }

    @Test
    public void resolve_doesNotMutateItsInputs() {
        ConflictStrategy strategy = createStrategy();
        List<Case> pristine = cases(true);
        List<Case> handed = cases(true);
        for (int i = 0; i < handed.size(); i++) {
            Case c = handed.get(i);
            strategy.resolve(c.existing(), c.incoming(), c.context());
            Case p = pristine.get(i);
            assertEquals(p.existing(), c.existing(), () -> "existing entry changed by resolve for " + p);
            assertEquals(p.incoming(), c.incoming(), () -> "incoming entry changed by resolve for " + p);
            assertEquals(p.context().options(), c.context().options(), () -> "options changed by resolve for " + p);
        }
    }

    @Test
    public void resolve_replacesOnlyWithJsonLikeValuesAndMetadata() {
        ConflictStrategy strategy = createStrategy();
        for (Case c : cases(false)) {
            Resolution r = strategy.resolve(c.existing(), c.incoming(), c.context());
            if (r != null && r.kind() == Resolution.Kind.REPLACE) {
                assertJsonLike(r.value(), "value", 0, false, c);
                if (r.metadata() != null) {
                    assertJsonLike(r.metadata(), "metadata", 0, false, c);
                }
            }
        }
    }

    @Test
    public void resolve_isDeterministicForEqualInputs() {
        ConflictStrategy strategy = createStrategy();
        List<Case> first = cases(false);
        List<Case> second = cases(false);
        ConflictStrategy other = createStrategy();
        for (int i = 0; i < first.size(); i++) {
            Case c = first.get(i);
            Decision once = Decision.of(strategy.resolve(c.existing(), c.incoming(), c.context()));
            Case d = second.get(i);
            assertEquals(once, Decision.of(strategy.resolve(d.existing(), d.incoming(), d.context())),
                    () -> "different decisions for equal inputs on one instance: " + c);
            assertEquals(once, Decision.of(other.resolve(d.existing(), d.incoming(), d.context())),
                    () -> "different decisions for equal inputs on two instances: " + c);
        }
    }

    @Test
    public void resolve_isThreadSafeUnderConcurrentCalls() throws Exception {
        ConflictStrategy strategy = createStrategy();
        List<Case> cases = cases(false);
        List<Decision> expected = new ArrayList<>(cases.size());
        for (Case c : cases) {
            expected.add(Decision.of(strategy.resolve(c.existing(), c.incoming(), c.context())));
        }
        int threads = threads();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * cases.size() / threads;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < rounds(); round++) {
                        // each thread walks the cases from its own offset, so different cases overlap in time
                        for (int i = 0; i < cases.size(); i++) {
                            int at = (i + offset) % cases.size();
                            Case c = cases.get(at);
                            Decision got;
                            try {
                                got = Decision.of(strategy.resolve(c.existing(), c.incoming(), c.context()));
                            } catch (RuntimeException e) {
                                failures.add("threw " + e + " for " + c);
                                continue;
                            }
                            if (!expected.get(at).equals(got)) {
                                failures.add("got " + got + " instead of " + expected.get(at) + " for " + c);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), () -> failures.size() + " concurrent decisions differ from the single-threaded"
                + " ones, for instance: " + failures.peek());
    }

    /** A {@link Resolution} compared by content. */
    private record Decision(Resolution.Kind kind, Object value, Map<String, Object> metadata, String reason) {
        static Decision of(Resolution r) {
            return r == null ? new Decision(null, null, null, "<null resolution>")
                    : new Decision(r.kind(), r.value(), r.metadata(), r.reason());
        }
    }

    private static Map<String, Object> metadata(String origin, boolean mutable) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origin", origin);
        m.put("tags", new ArrayList<>(List.of("t1", "t2")));
        return mutable ? m : deepUnmodifiable(m);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyMap(Map<String, Object> map, boolean mutable) {
        return (Map<String, Object>) copy(map, mutable);
    }

    /**
     * A deep copy of a JSON-like value.
     *
     * @param value the value
     * @param mutable plain {@code LinkedHashMap}/{@code ArrayList} when true, unmodifiable otherwise
     * @return the copy
     */
    protected static Object copy(Object value, boolean mutable) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put((String) k, copy(v, mutable)));
            return mutable ? c : Collections.unmodifiableMap(c);
        }
        if (value instanceof List<?> l) {
            List<Object> c = new ArrayList<>(l.size());
            l.forEach(v -> c.add(copy(v, mutable)));
            return mutable ? c : Collections.unmodifiableList(c);
        }
        if (value instanceof BigInteger b) {
            return new BigInteger(b.toByteArray());
        }
        if (value instanceof BigDecimal b) {
            return new BigDecimal(b.unscaledValue(), b.scale());
        }
        if (value instanceof String s) {
            return new String(s.toCharArray());
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepUnmodifiable(Map<String, Object> m) {
        return (Map<String, Object>) copy(m, false);
    }

    private static void assertJsonLike(Object v, String path, int depth, boolean inContainer, Case c) {
        if (depth > MAX_DEPTH) {
            fail("replacement " + path + " nests deeper than " + MAX_DEPTH + " (cyclic?) for " + c);
        }
        if (v == null) {
            if (!inContainer) {
                fail("replacement " + path + " is null for " + c);
            }
            return;
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
                || v instanceof Short || v instanceof Byte || v instanceof BigInteger || v instanceof BigDecimal) {
            return;
        }
        if (v instanceof Double d) {
            assertTrue(Double.isFinite(d), () -> "replacement " + path + " is not finite for " + c);
            return;
        }
        if (v instanceof Float f) {
            assertTrue(Float.isFinite(f), () -> "replacement " + path + " is not finite for " + c);
            return;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    fail("replacement " + path + " has a key that is not a String: " + e.getKey() + " for " + c);
                    return;
                }
                assertJsonLike(e.getValue(), path + "." + k, depth + 1, true, c);
            }
            return;
        }
        if (v instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                assertJsonLike(l.get(i), path + "[" + i + "]", depth + 1, true, c);
            }
            return;
        }
        fail("replacement " + path + " is a " + v.getClass().getName() + ", not JSON-like, for " + c);
    }
}
