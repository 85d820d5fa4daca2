package io.sharedmemory.api;

/**
 * The kinds of {@link MemoryEvent} a listener can register for with {@link SharedMemory#on}. {@link #topic()} is the
 * specification's event name; inside OSGi the same events are posted to Event Admin on
 * {@code io/sharedmemory/<group>/<name>} (see {@link #eventAdminTopic()}).
 */
public enum EventType {
    /** A key was written: key, agent, value as stored. */
    MEMORY_WRITE("memory:write"),
    /** A key was read successfully: key, agent, value read. */
    MEMORY_READ("memory:read"),
    /** A write was refused: key, agent, and {@link MemoryEvent#reason()} ({@code permission_denied},
     *  {@code conflict_rejected}, {@code version_mismatch}, {@code namespace_full}, {@code strategy_unavailable}). */
    MEMORY_CONFLICT("memory:conflict"),
    /** A message was broadcast: the sender as agent, the message as value. */
    MEMORY_BROADCAST("memory:broadcast"),
    /** Expired entries were removed: the value is the list of removed keys (one event per namespace and sweep). */
    MEMORY_CLEANUP("memory:cleanup"),
    /** A namespace was created, or its configuration replaced by {@code createNamespace} (no reason either way). */
    NAMESPACE_CREATED("namespace:created"),
    /** A namespace was cleared. */
    NAMESPACE_CLEARED("namespace:cleared"),
    /** A namespace was deleted. */
    NAMESPACE_DELETED("namespace:deleted"),
    /** A namespace's permissions changed: the value is the map of changed permissions. */
    NAMESPACE_PERMISSIONS_UPDATED("namespace:permissions_updated");

    private final String topic;

    EventType(String topic) {
        this.topic = topic;
    }

    /** @return the specification's name, for instance {@code memory:write} */
    public String topic() {
        return topic;
    }

    /** @return the Event Admin topic, for instance {@code io/sharedmemory/memory/write} */
    public String eventAdminTopic() {
        return "io/sharedmemory/" + topic.replace(':', '/');
    }

    /**
     * @param topic a specification name such as {@code memory:write}
     * @return the event type
     * @throws IllegalArgumentException when no type has that name
     */
    public static EventType fromTopic(String topic) {
        for (EventType t : values()) {
            if (t.topic.equals(topic)) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unknown event type \"" + topic + "\"");
    }
}
