package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import java.util.concurrent.Callable;

/**
 * Sent to every other member after a namespace was added, reconfigured or dropped: each open store of the memory there
 * applies it to its engine (under the namespace's gate) before the task answers. So the member that made the change
 * knows, from the answers, that no other member still checks operations against the previous configuration.
 */
final class NamespaceTask implements Callable<Boolean>, HazelcastInstanceAware {
    final String memory;
    final String name;
    /** The record to apply, or null for a drop. */
    final byte[] record;
    /** For a drop: the incarnation dropped. */
    final long incarnation;
    private transient HazelcastInstance hz;

    NamespaceTask(String memory, String name, byte[] record, long incarnation) {
        this.memory = memory;
        this.name = name;
        this.record = record;
        this.incarnation = incarnation;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hz) {
        this.hz = hz;
    }

    @Override
    public Boolean call() {
        for (LocalEngines.Handle h : LocalEngines.of(hz).all(memory)) {
            if (record != null) {
                h.applyNamespace(name, record);
            } else {
                h.dropNamespace(name, incarnation);
            }
        }
        return Boolean.TRUE;
    }
}
