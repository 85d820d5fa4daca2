package io.sharedmemory.engine.internal.step;

import io.sharedmemory.api.MemoryEntry;
import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.WriteOptions;
import io.sharedmemory.api.WriteResult.Status;
import io.sharedmemory.engine.internal.values.ValueCodec;
import io.sharedmemory.spi.ConflictStrategy;
import io.sharedmemory.store.Decision;
import io.sharedmemory.store.KeyStep;
import io.sharedmemory.store.StoreCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Map;
import java.util.function.Function;

/**
 * The engine's {@link StoreCodec}: entries through {@link ValueCodec}; steps and decisions as their fields, so that a
 * store can run a step in another process and carry its outcome back. A step read here is bound to this engine: its
 * strategy and its namespace's configuration are looked up here when it is read (a strategy missing here makes it
 * decide {@code STRATEGY_UNAVAILABLE}); it publishes nothing here (the caller's engine does, with the decision).
 */
public final class StepCodec implements StoreCodec {
    private static final int WRITE = 1;
    private static final int DELETE = 2;
    private static final int EXPIRE = 3;

    private final Function<String, NamespaceConfig> configs;
    private final Function<String, ConflictStrategy> strategies;

    /**
     * @param configs namespace → its configuration in this engine, or null
     * @param strategies strategy name → the strategy installed in this engine, or null
     */
    public StepCodec(Function<String, NamespaceConfig> configs, Function<String, ConflictStrategy> strategies) {
        this.configs = configs;
        this.strategies = strategies;
    }

    @Override
    public void writeEntry(MemoryEntry entry, DataOutput out) throws IOException {
        ValueCodec.writeEntry(entry, out);
    }

    @Override
    public MemoryEntry readEntry(DataInput in) throws IOException {
        return ValueCodec.readEntry(in);
    }

    @Override
    public void writeStep(KeyStep step, DataOutput out) throws IOException {
        if (step instanceof WriteStep w) {
            out.writeByte(WRITE);
            ValueCodec.writeString(w.namespace, out);
            ValueCodec.writeString(w.key, out);
            ValueCodec.writeString(w.config.conflictStrategy(), out);
            ValueCodec.writeString(w.agentId, out);
            ValueCodec.writeValue(w.value, out, 0);
            ValueCodec.writeValue(w.metadata, out, 0);
            out.writeLong(w.expectedVersion);
            out.writeLong(w.now);
            out.writeLong(w.ttlMillis);
            out.writeLong(w.maxValueBytes);
            out.writeInt(w.maxEntries);
            out.writeBoolean(w.holdsRoom);
        } else if (step instanceof DeleteStep d) {
            out.writeByte(DELETE);
            ValueCodec.writeString(d.namespace, out);
            ValueCodec.writeString(d.agentId, out);
            out.writeLong(d.now);
        } else if (step instanceof ExpireStep x) {
            out.writeByte(EXPIRE);
            ValueCodec.writeString(x.namespace, out);
            out.writeLong(x.now);
        } else {
            throw new IllegalArgumentException("not a step of the engine: " + step);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public KeyStep readStep(DataInput in) throws IOException {
        int kind = in.readUnsignedByte();
        switch (kind) {
            case WRITE: {
                String namespace = ValueCodec.readString(in);
                String key = ValueCodec.readString(in);
                String strategyName = ValueCodec.readString(in);
                String agentId = ValueCodec.readString(in);
                Object value = ValueCodec.readValue(in, 0);
                Map<String, Object> metadata = (Map<String, Object>) ValueCodec.readValue(in, 0);
                long expected = in.readLong();
                long now = in.readLong();
                long ttl = in.readLong();
                long maxValueBytes = in.readLong();
                int maxEntries = in.readInt();
                boolean holdsRoom = in.readBoolean();
                NamespaceConfig here = configs.apply(namespace);
                NamespaceConfig config = (here != null ? here.toBuilder() : NamespaceConfig.builder())
                        .conflictStrategy(strategyName).maxEntries(maxEntries).build();
                WriteOptions.Builder options = WriteOptions.builder().metadata(metadata);
                if (expected >= 0) {
                    options.expectedVersion(expected);
                }
                WriteStep w = new WriteStep(namespace, key, config, strategies.apply(strategyName), agentId, value,
                        metadata, options.build(), now, ttl, maxValueBytes, null, null);
                w.holdsRoom = holdsRoom;
                return w;
            }
            case DELETE:
                return new DeleteStep(ValueCodec.readString(in), ValueCodec.readString(in), in.readLong(), null);
            case EXPIRE:
                return new ExpireStep(ValueCodec.readString(in), in.readLong(), null);
            default:
                throw new StreamCorruptedException("not a step: kind " + kind);
        }
    }

    @Override
    public void writeDecision(Decision decision, DataOutput out) throws IOException {
        if (decision instanceof WriteStep w) {
            out.writeByte(WRITE);
            out.writeByte(w.action.ordinal());
            writeOptionalEntry(w.entry, out);
            out.writeByte(w.status == null ? 0xff : w.status.ordinal());
            out.writeLong(w.version);
            writeOptionalString(w.message, out);
            out.writeBoolean(w.needsRoom);
            out.writeBoolean(w.wasAbsent);
            writeOptionalEntry(w.expired, out);
        } else if (decision instanceof DeleteStep d) {
            out.writeByte(DELETE);
            out.writeByte(d.action.ordinal());
            writeOptionalString(d.failure, out);
        } else if (decision instanceof ExpireStep x) {
            out.writeByte(EXPIRE);
            out.writeByte(x.action.ordinal());
            out.writeBoolean(x.lastValue != null);
            if (x.lastValue != null) {
                ValueCodec.writeValue(x.lastValue, out, 0);
            }
        } else {
            throw new IllegalArgumentException("not a decision of the engine: " + decision);
        }
    }

    @Override
    public Decision readDecision(DataInput in) throws IOException {
        int kind = in.readUnsignedByte();
        switch (kind) {
            case WRITE: {
                Decision.Action action = action(in.readUnsignedByte());
                MemoryEntry entry = readOptionalEntry(in);
                int status = in.readUnsignedByte();
                long version = in.readLong();
                String message = readOptionalString(in);
                WriteStep w = WriteStep.refusal(status == 0xff ? null : status(status), version, message);
                w.action = action;
                w.entry = entry;
                w.needsRoom = in.readBoolean();
                w.wasAbsent = in.readBoolean();
                w.expired = readOptionalEntry(in);
                return w;
            }
            case DELETE: {
                DeleteStep d = new DeleteStep(null, null, 0, null);
                d.action = action(in.readUnsignedByte());
                d.failure = readOptionalString(in);
                return d;
            }
            case EXPIRE: {
                ExpireStep x = new ExpireStep(null, 0, null);
                x.action = action(in.readUnsignedByte());
                x.lastValue = in.readBoolean() ? ValueCodec.readValue(in, 0) : null;
                return x;
            }
            default:
                throw new StreamCorruptedException("not a decision: kind " + kind);
        }
    }

    private static Decision.Action action(int ordinal) throws StreamCorruptedException {
        Decision.Action[] all = Decision.Action.values();
        if (ordinal >= all.length) {
            throw new StreamCorruptedException("not an action: " + ordinal);
        }
        return all[ordinal];
    }

    private static Status status(int ordinal) throws StreamCorruptedException {
        Status[] all = Status.values();
        if (ordinal >= all.length) {
            throw new StreamCorruptedException("not a status: " + ordinal);
        }
        return all[ordinal];
    }

    private static void writeOptionalEntry(MemoryEntry e, DataOutput out) throws IOException {
        out.writeBoolean(e != null);
        if (e != null) {
            ValueCodec.writeEntry(e, out);
        }
    }

    private static MemoryEntry readOptionalEntry(DataInput in) throws IOException {
        return in.readBoolean() ? ValueCodec.readEntry(in) : null;
    }

    private static void writeOptionalString(String s, DataOutput out) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            ValueCodec.writeString(s, out);
        }
    }

    private static String readOptionalString(DataInput in) throws IOException {
        return in.readBoolean() ? ValueCodec.readString(in) : null;
    }
}
