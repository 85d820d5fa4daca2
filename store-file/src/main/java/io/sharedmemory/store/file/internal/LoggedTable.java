package io.sharedmemory.store.file.internal;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.store.CommitHook;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.EntryTable;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.StoreCodec;
import java.util.function.BiConsumer;

/**
 * One namespace's entries in the file store: the engine's in-memory table, for reads and for the per-key atomic step,
 * with every decision logged from inside the step.
 *
 * <p>{@link #apply} runs the engine's step through the memory table wrapped in a {@link Logged} step: once the step
 * has decided, and before the memory table installs the decision, the decision is appended to the log — in the key's
 * atomic region, so the log holds each key's changes in the order they were committed, and a record is in the log
 * before any reader can see its change. An append that fails throws {@link io.sharedmemory.store.StoreException} from
 * inside the step, and the memory table then installs nothing. With {@code SYNC} the caller then waits, outside the
 * key's region, until the log is forced past its record; concurrent writers share the force.
 */
final class LoggedTable implements EntryTable {
    private final EntryTable memory;
    private final Log log;
    private final StoreCodec codec;
    private final boolean sync;
    final int id;

    LoggedTable(int id, EntryTable memory, Log log, StoreCodec codec, boolean sync) {
        this.id = id;
        this.memory = memory;
        this.log = log;
        this.codec = codec;
        this.sync = sync;
    }

    /** The memory table, for the snapshot's scan and for the drop of the namespace. */
    EntryTable memory() {
        return memory;
    }

    /** Reads go straight to the memory table: the log adds nothing to them. */
    @Override
    public EntryTable reads() {
        return memory;
    }

    @Override
    public MemoryEntry get(String key) {
        return memory.get(key);
    }

    @Override
    public Object liveValue(String key, long nowMillis) {
        return memory.liveValue(key, nowMillis);
    }

    @Override
    public Decision apply(String key, KeyStep step, CommitHook hook) {
        Logged logged = new Logged(key, step);
        Decision d;
        int ticket = log.changing();
        try {
            d = memory.apply(key, logged, hook);
        } finally {
            log.installed(ticket);
        }
        if (sync && logged.end != 0) {
            log.awaitDurable(logged.end);
        }
        return d;
    }

    @Override
    public void forEach(BiConsumer<String, MemoryEntry> action) {
        memory.forEach(action);
    }

    @Override
    public long size() {
        return memory.size();
    }

    @Override
    public boolean reserve(int maxEntries) {
        return memory.reserve(maxEntries);
    }

    @Override
    public void release() {
        memory.release();
    }

    @Override
    public void clear() {
        RecordWriter w = Records.clear(id);
        w.finish();
        int ticket = log.changing();
        try {
            long end = log.append(w);
            if (sync) {
                log.awaitDurable(end);
            }
            memory.clear();
        } finally {
            log.installed(ticket);
        }
    }

    /** The engine's step, with its decision appended to the log between deciding and installing. */
    private final class Logged implements KeyStep {
        private final String key;
        private final KeyStep step;
        /** The position after this step's record, or 0 when it appended none. */
        long end;

        Logged(String key, KeyStep step) {
            this.key = key;
            this.step = step;
        }

        @Override
        public Decision decide(MemoryEntry current) {
            return logged(current, step.decide(current));
        }

        @Override
        public Decision decide(MemoryEntry current, long version, long expiresAtMillis) {
            return logged(current, step.decide(current, version, expiresAtMillis));
        }

        @Override
        public boolean holdsRoom() {
            return step.holdsRoom();
        }

        private Decision logged(MemoryEntry current, Decision d) {
            switch (d.action()) {
                case PUT -> {
                    RecordWriter w = Records.put(RecordWriter.local(), codec, id, key, d.entry());
                    w.finish();
                    end = log.append(w);
                }
                case REMOVE -> {
                    if (current != null) {
                        RecordWriter w = Records.remove(id, key);
                        w.finish();
                        end = log.append(w);
                    }
                }
                default -> end = 0;
            }
            return d;
        }
    }
}
