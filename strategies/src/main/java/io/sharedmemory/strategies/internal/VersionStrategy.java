package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import org.osgi.service.component.annotations.Component;

/**
 * {@code version}: optimistic locking. An update of an existing key must carry an expected version (which the engine
 * has already compared with the stored one); an update without one is rejected with a message naming the current
 * version.
 */
@Component(service = ConflictStrategy.class,
        property = ConflictStrategy.NAME_PROPERTY + "=" + NamespaceConfig.VERSION)
public final class VersionStrategy implements ConflictStrategy {
    /** Creates the strategy; it is stateless. */
    public VersionStrategy() {
    }

    @Override
    public String name() {
        return NamespaceConfig.VERSION;
    }

    @Override
    public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        if (context.options().expectedVersion().isPresent()) {
            return Resolution.accept();
        }
        return Resolution.reject("Key \"" + context.key() + "\" exists at version " + existing.version()
                + ": an update of an existing key in the version namespace \"" + context.namespace()
                + "\" needs an expectedVersion (WriteOptions.builder().expectedVersion(" + existing.version() + "))");
    }

    @Override
    public String toString() {
        return name();
    }
}
