/**
 * The built-in conflict strategies: {@code latest-wins}, {@code first-wins}, {@code merge}, {@code version} and
 * {@code custom}. Nothing is exported: each strategy is found as a {@code ConflictStrategy} service (Declarative
 * Services inside OSGi, {@link java.util.ServiceLoader} outside).
 */
module io.sharedmemory.strategies {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;

    provides io.sharedmemory.spi.ConflictStrategy with
            io.sharedmemory.strategies.internal.LatestWinsStrategy,
            io.sharedmemory.strategies.internal.FirstWinsStrategy,
            io.sharedmemory.strategies.internal.MergeStrategy,
            io.sharedmemory.strategies.internal.VersionStrategy,
            io.sharedmemory.strategies.internal.CustomStrategy;
}
