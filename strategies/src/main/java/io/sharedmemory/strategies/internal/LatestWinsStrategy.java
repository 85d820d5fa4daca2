package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import org.osgi.service.component.annotations.Component;

/**
 * {@code latest-wins}, the default: every write replaces the stored value.
 */
@Component(service = ConflictStrategy.class,
        property = ConflictStrategy.NAME_PROPERTY + "=" + NamespaceConfig.LATEST_WINS)
public final class LatestWinsStrategy implements ConflictStrategy {
    /** Creates the strategy; it is stateless. */
    public LatestWinsStrategy() {
    }

    @Override
    public String name() {
        return NamespaceConfig.LATEST_WINS;
    }

    @Override
    public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        return Resolution.accept();
    }

    @Override
    public boolean acceptsEveryWrite() {
        return true;
    }

    @Override
    public String toString() {
        return name();
    }
}
