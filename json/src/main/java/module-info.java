/** The project's one JSON codec: JSON text to and from JSON-like Java values. */
module io.sharedmemory.json {
    requires com.fasterxml.jackson.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.sharedmemory.json;
}
