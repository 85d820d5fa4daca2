/**
 * The Event Admin bridge: every memory and namespace event, posted on {@code io/sharedmemory/...}. An OSGi-only bundle
 * that exports nothing; without Event Admin its component is simply not satisfied.
 */
module io.sharedmemory.eventadmin {
    requires io.sharedmemory.api;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.event;
}
