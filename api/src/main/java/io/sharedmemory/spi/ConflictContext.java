package io.sharedmemory.spi;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import java.util.Objects;

/**
 * What a {@link ConflictStrategy} may know about the write it decides, besides the two entries.
 *
 * @param namespace the namespace
 * @param key the key
 * @param agentId the writing agent
 * @param options the write's options (metadata, expected version — already checked by the engine when present)
 * @param config the namespace's configuration, including its {@link NamespaceConfig#conflictResolver() resolver}
 */
public record ConflictContext(String namespace, String key, String agentId, WriteOptions options,
                              NamespaceConfig config) {
    /** Checks that nothing is null. */
    public ConflictContext {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
    }
}
