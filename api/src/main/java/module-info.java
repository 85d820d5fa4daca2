/**
 * The sharedmemory API: what agents and applications call ({@code io.sharedmemory.api}) and what plugins
 * implement ({@code io.sharedmemory.spi}).
 */
module io.sharedmemory.api {
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.annotation.bundle;

    exports io.sharedmemory.api;
    exports io.sharedmemory.spi;
    exports io.sharedmemory.store;

    uses io.sharedmemory.spi.SharedMemoryProvider;
}
