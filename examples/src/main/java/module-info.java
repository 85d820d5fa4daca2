/**
 * An example of a third-party plugin: the {@code max-value} conflict strategy. Inside OSGi its DS component registers
 * it; on the module path it is found by {@link java.util.ServiceLoader}.
 */
module io.sharedmemory.examples {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.annotation.bundle;

    provides io.sharedmemory.spi.ConflictStrategy with io.sharedmemory.examples.maxvalue.MaxValueStrategy;
}
