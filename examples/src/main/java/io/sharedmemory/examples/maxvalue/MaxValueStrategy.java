package io.sharedmemory.examples.maxvalue;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.spi.ConflictContext;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.spi.Resolution;
import java.math.BigDecimal;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code max-value} conflict strategy: a key only ever grows. A write to a key that holds a number is accepted when
 * the new value is a higher number, rejected otherwise; a non-number is rejected with a message saying so. A
 * high-water mark, a best score, a "latest sequence seen" are the typical uses.
 *
 * <p>This one class is a whole third-party plugin: the {@code @Component} registers it as a {@link ConflictStrategy}
 * service named by {@value ConflictStrategy#NAME_PROPERTY}, and the {@code provides} clause of its {@code module-info}
 * lets {@link java.util.ServiceLoader} find it outside OSGi. Install it into a running distribution with
 * {@code start file:examples/target/sharedmemory-examples-<version>.jar}; a namespace whose
 * {@code conflictStrategy} is {@code max-value} works from the next write.
 */
@Component(property = ConflictStrategy.NAME_PROPERTY + "=" + MaxValueStrategy.NAME)
public final class MaxValueStrategy implements ConflictStrategy {
    /** The strategy's name. */
    public static final String NAME = "max-value";

    /** For DS and {@link java.util.ServiceLoader}. */
    public MaxValueStrategy() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Resolution resolve(MemoryEntry existing, MemoryEntry incoming, ConflictContext context) {
        if (!(incoming.value() instanceof Number next)) {
            return Resolution.reject("max-value accepts only numbers, was " + describe(incoming.value()));
        }
        if (!(existing.value() instanceof Number current)) {
            return Resolution.accept();
        }
        return decimal(next).compareTo(decimal(current)) > 0 ? Resolution.accept()
                : Resolution.reject("max-value keeps " + current + ": " + next + " is not higher");
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
    }

    private static String describe(Object value) {
        return value instanceof String s ? "the string \"" + s + "\"" : "a " + kind(value);
    }

    private static String kind(Object value) {
        return value instanceof java.util.Map ? "map" : value instanceof java.util.List ? "list"
                : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
}
