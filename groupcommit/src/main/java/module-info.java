/** Group commit for append-only files, shared by the file store and the JSON-lines audit sink. */
module io.sharedmemory.groupcommit {
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;

    exports io.sharedmemory.groupcommit;
}
