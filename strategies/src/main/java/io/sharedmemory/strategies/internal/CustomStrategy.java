package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.ConflictResolver;
import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * {@code custom}: the namespace's own {@link ConflictResolver} decides. Returning {@code existing} (the same instance)
 * rejects, {@code incoming} accepts, another entry stores its value and metadata; no resolver, a null result or a
 * resolver that throws rejects with a message saying which.
 */
@Component(service = ConflictStrategy.class,
        property = ConflictStrategy.NAME_PROPERTY + "=" + NamespaceConfig.CUSTOM)
public final class CustomStrategy implements ConflictStrategy {
    /** Creates the strategy; it is stateless. */
    public CustomStrategy() {
    }

    @Override
    public String name() {
        return NamespaceConfig.CUSTOM;
    }

    @Override
    public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        Optional<ConflictResolver> resolver = context.config().conflictResolver();
        if (resolver.isEmpty()) {
            return Resolution.reject("Namespace \"" + context.namespace()
                    + "\" uses the custom conflict strategy but has no conflictResolver");
        }
        MemoryEntry result;
        try {
            result = resolver.get().resolve(existing, incoming, context.key());
        } catch (RuntimeException | LinkageError e) {
            // LinkageError too: a resolver whose bundle was just stopped or updated fails with NoClassDefFoundError,
            // and that must reject this one write, not escape as an unexplained error
            return Resolution.reject("The conflictResolver of namespace \"" + context.namespace() + "\" threw "
                    + e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " for key \"" + context.key() + "\"");
        }
        if (result == null) {
            return Resolution.reject("The conflictResolver of namespace \"" + context.namespace()
                    + "\" returned null for key \"" + context.key() + "\"");
        }
        if (result == existing) {
            return Resolution.reject(null);
        }
        if (result == incoming) {
            return Resolution.accept();
        }
        return Resolution.replace(result.value(), result.metadata());
    }

    @Override
    public String toString() {
        return name();
    }
}
