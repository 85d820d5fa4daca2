package io.sharedmemory.strategies.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code merge}: map + map gives the existing keys then the new incoming ones, the incoming value winning per key
 * (shallow, as {@code {...existing, ...incoming}}); list + list gives their concatenation; any other pair stores the
 * incoming value. The merged value keeps the incoming write's metadata.
 */
@Component(service = ConflictStrategy.class,
        property = ConflictStrategy.NAME_PROPERTY + "=" + NamespaceConfig.MERGE)
public final class MergeStrategy implements ConflictStrategy {
    /** Creates the strategy; it is stateless. */
    public MergeStrategy() {
    }

    @Override
    public String name() {
        return NamespaceConfig.MERGE;
    }

    @Override
    public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        Object current = existing.value();
        Object next = incoming.value();
        if (current instanceof Map<?, ?> a && next instanceof Map<?, ?> b) {
            // LinkedHashMap, not Map.copyOf: values may hold null, and key order is part of what agents see
            Map<Object, Object> merged = new LinkedHashMap<>(a);
            merged.putAll(b);
            return Resolution.replace(Collections.unmodifiableMap(merged));
        }
        if (current instanceof List<?> a && next instanceof List<?> b) {
            List<Object> joined = new ArrayList<>(a.size() + b.size());
            joined.addAll(a);
            joined.addAll(b);
            return Resolution.replace(Collections.unmodifiableList(joined));
        }
        return Resolution.accept();
    }

    @Override
    public String toString() {
        return name();
    }
}
