package io.sharedmemory.engine.conformance;

import io.sharedmemory.api.SharedMemoryOptions;
import io.sharedmemory.store.MemoryStore;
import io.sharedmemory.store.StoreCapability;
import java.util.function.Supplier;

/**
 * The store the engine's own test suite runs on. By default the engine's in-memory store (no store in the options);
 * with the system property {@value #PROPERTY} set to the name of a {@code Supplier<MemoryStore>} class, every memory
 * the suite makes is made on a fresh store from it — so that the whole suite (spec, regression, bad input,
 * concurrency) runs again against another store, from that store's module (Surefire's {@code dependenciesToScan} over
 * the engine's test-jar). The supplier is called once per options built: it must be cheap and touch nothing until the
 * store is opened.
 */
public final class TestStores {
    /** Names a {@code Supplier<MemoryStore>} class with a public no-argument constructor. */
    public static final String PROPERTY = "sharedmemory.test.store";

    private TestStores() {
    }

    /** @return a builder of options, with the suite's store when one is set */
    public static SharedMemoryOptions.Builder options() {
        SharedMemoryOptions.Builder b = SharedMemoryOptions.builder();
        MemoryStore store = newStore();
        return store == null ? b : b.store(store);
    }

    /** @return a fresh store of the suite's kind, or null for the engine's in-memory default */
    @SuppressWarnings("unchecked")
    public static MemoryStore newStore() {
        String supplier = System.getProperty(PROPERTY);
        if (supplier == null || supplier.isBlank()) {
            return null;
        }
        try {
            return ((Supplier<MemoryStore>) Class.forName(supplier.strip()).getConstructor().newInstance()).get();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(PROPERTY + "=" + supplier + " is not a Supplier<MemoryStore> class", e);
        }
    }

    /**
     * @return whether the suite's store is shared by several processes: its changes then reach subscribers in each
     *         key's order, not across keys (GUARANTEES.md, "Many JVMs")
     */
    public static boolean shared() {
        MemoryStore store = newStore();
        return store != null && store.capabilities().contains(StoreCapability.SHARED);
    }

    /** @return the name of the store the suite runs on, for messages */
    public static String name() {
        String supplier = System.getProperty(PROPERTY);
        return supplier == null || supplier.isBlank() ? "memory" : supplier;
    }
}
