package io.sharedmemory.spi;

import io.sharedmemory.api.SharedMemory;
import io.sharedmemory.api.SharedMemoryOptions;
import org.osgi.annotation.versioning.ProviderType;

/**
 * How {@link SharedMemory#create(SharedMemoryOptions)} finds an engine outside OSGi, through
 * {@link java.util.ServiceLoader}. Implemented by the engine module; not a plugin point for third parties.
 */
@ProviderType
public interface SharedMemoryProvider {
    /**
     * @param options the options
     * @return a new shared memory
     */
    SharedMemory create(SharedMemoryOptions options);

    /** @return the provider's priority when several are present; the highest wins */
    default int priority() {
        return 0;
    }
}
