package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import org.osgi.service.component.annotations.Component;

/**
 * {@code first-wins}: the first value written to a key stays until the key is deleted or expires; later writes are
 * rejected with a reason naming the agent and version that hold the key.
 */
@Component(service = ConflictStrategy.class,
        property = ConflictStrategy.NAME_PROPERTY + "=" + NamespaceConfig.FIRST_WINS)
public final class FirstWinsStrategy implements ConflictStrategy {
    /** Creates the strategy; it is stateless. */
    public FirstWinsStrategy() {
    }

    @Override
    public String name() {
        return NamespaceConfig.FIRST_WINS;
    }

    @Override
    public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        return Resolution.reject("Key \"" + context.key() + "\" was already written by \"" + existing.ownerId()
                + "\" (version " + existing.version() + "); namespace \"" + context.namespace()
                + "\" is first-wins, so the first value stays until it is deleted or expires");
    }

    @Override
    public String toString() {
        return name();
    }
}
