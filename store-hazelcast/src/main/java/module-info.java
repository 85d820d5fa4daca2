/**
 * The cluster store: one sharedmemory memory shared by the members of a Hazelcast cluster, and (inside OSGi) the
 * member that runs it. Exports the store's entry point only.
 */
// its public entry point takes a HazelcastInstance: Hazelcast's jar is an automatic module
@SuppressWarnings("requires-transitive-automatic")
module io.sharedmemory.store.hazelcast {
    requires transitive io.sharedmemory.api;
    requires transitive com.hazelcast.core;
    requires static osgi.core;
    requires static org.osgi.annotation.bundle;
    requires static org.osgi.annotation.versioning;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;

    exports io.sharedmemory.store.hazelcast;
}
