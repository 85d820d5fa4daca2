/** A runnable example: two agents sharing a namespace through {@code SharedMemory.create()}, no OSGi. */
module io.sharedmemory.demo {
    requires io.sharedmemory.api;
}
