package io.sharedmemory.spi;

import io.sharedmemory.api.MemoryEntry;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A named policy for writes to a key that already holds a live entry.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Called only when the key holds a live entry: the first write of a key (or the first after a delete or expiry) is
 *       accepted without asking. An {@code expectedVersion} on the write is checked by the engine before this is
 *       called.</li>
 *   <li>Called inside the key's atomic commit: the decision is atomic with respect to other writes of the same key.
 *       Return quickly; do not block, do I/O or call back into the shared memory. May be called from many threads at
 *       once (for different keys) and must be stateless or thread-safe.</li>
 *   <li>Values handed in are immutable JSON-like snapshots. A value returned with {@link Resolution#replace} is
 *       snapshotted and checked again by the engine; a value that is not JSON-like rejects the write.</li>
 *   <li>Throwing rejects the write (status {@code REJECTED}, with the exception's message); nothing is stored.</li>
 * </ul>
 *
 * <h2>Finding it</h2>
 * Inside OSGi register it as a {@code ConflictStrategy} service with the property {@value #NAME_PROPERTY} set to its
 * name (the engine falls back to {@link #name()} when the property is missing). When several services have the same
 * name, the one with the highest {@code service.ranking} wins (ties: the lowest {@code service.id}). The engine looks the
 * strategy up on every write, so installing, updating or removing the plugin takes effect on the next write; while no
 * strategy of a namespace's name is present, writes there are refused with {@code STRATEGY_UNAVAILABLE}. Outside OSGi
 * declare it for {@link java.util.ServiceLoader} (it then needs a public no-argument constructor) or pass it to
 * {@link io.sharedmemory.api.SharedMemoryOptions.Builder#plugin(Object)}.
 *
 * <h2>Example</h2>
 * <pre>{@code
 * @Component(property = ConflictStrategy.NAME_PROPERTY + "=max-value")
 * public final class MaxValueStrategy implements ConflictStrategy {
 *     public String name() { return "max-value"; }
 *     public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
 *         return ((Number) incoming.value()).doubleValue() > ((Number) existing.value()).doubleValue()
 *                 ? Resolution.accept() : Resolution.reject("not higher than " + existing.value());
 *     }
 * }
 * }</pre>
 */
@ConsumerType
public interface ConflictStrategy {
    /** The service property that names a strategy inside OSGi. */
    String NAME_PROPERTY = "sharedmemory.strategy.name";

    /** @return the strategy's name, as namespaces refer to it (for instance {@code merge}) */
    String name();

    /**
     * Decides a write to a key that holds a live entry.
     *
     * @param existing the live entry
     * @param incoming the proposed entry (version {@code existing.version() + 1}, owner = the writing agent)
     * @param context the namespace, key, write options and the namespace's configuration
     * @return accept, reject (with a reason) or replace (with another value to store)
     */
    Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context);

    /**
     * Whether {@link #resolve} accepts every write, whatever the entries and the context. When true, the engine stores
     * the incoming entry without calling {@code resolve} (and without building its context), which spares the write
     * path a call and an allocation; {@code latest-wins} is such a strategy. Asked on every write, like {@code resolve}
     * and under the same contract (throwing rejects the write). The default, false, is always correct: override it
     * only in a strategy whose {@code resolve} returns {@link Resolution#accept()} every time.
     *
     * @return true only if {@code resolve} always accepts
     * @since 1.1
     */
    default boolean acceptsEveryWrite() {
        return false;
    }
}
