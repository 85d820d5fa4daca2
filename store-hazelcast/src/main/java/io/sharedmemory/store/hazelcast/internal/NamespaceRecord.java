package io.sharedmemory.store.hazelcast.internal;

import io.sharedmemory.api.NamespaceConfig;
import io.sharedmemory.api.Permission;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A namespace as the memory's namespaces map holds it: its configuration (without resolver), its incarnation (drawn
 * when it is added, so that a namespace dropped and added again is another one, with other entry and room maps) and
 * a revision that every change raises.
 *
 * <p>A reconfiguration is applied on the record's owner as the difference between the configuration the caller
 * started from and the one it wants, field by field and agent by agent: two members that change different agents'
 * permissions at once both keep their change, where writing whole configurations would lose one.
 *
 * @param incarnation which namespace of that name
 * @param rev the revision
 * @param config the configuration
 */
record NamespaceRecord(long incarnation, long rev, NamespaceConfig config) {
    private static final byte FORMAT = 1;
    static final byte ADD = 1;
    static final byte SAVE = 2;
    static final byte DROP = 3;
    /** Answers. */
    static final byte ADDED = 1;
    static final byte EXISTS = 2;
    static final byte SAVED = 3;
    static final byte DROPPED = 4;
    static final byte GONE = 5;

    byte[] toBytes() {
        Bytes.Out bytes = new Bytes.Out(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(incarnation);
            out.writeLong(rev);
            writeConfig(config, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static NamespaceRecord parse(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new Bytes.In(bytes))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("not a namespace record of format " + FORMAT + ": " + format);
            }
            return new NamespaceRecord(in.readLong(), in.readLong(), readConfig(in));
        } catch (IOException e) {
            throw new UncheckedIOException("a corrupt namespace record", e);
        }
    }

    static void writeConfig(NamespaceConfig c, DataOutputStream out) throws IOException {
        out.writeByte(c.defaultPermission().ordinal());
        out.writeInt(c.permissions().size());
        for (Map.Entry<String, Permission> p : c.permissions().entrySet()) {
            out.writeUTF(p.getKey());
            out.writeByte(p.getValue().ordinal());
        }
        out.writeUTF(c.conflictStrategy());
        out.writeInt(c.maxEntries());
        out.writeLong(c.ttl().toMillis());
    }

    static NamespaceConfig readConfig(DataInputStream in) throws IOException {
        NamespaceConfig.Builder b = NamespaceConfig.builder().defaultPermission(Permission.values()[in.readByte()]);
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            b.permission(in.readUTF(), Permission.values()[in.readByte()]);
        }
        return b.conflictStrategy(in.readUTF()).maxEntries(in.readInt()).ttl(Duration.ofMillis(in.readLong())).build();
    }

    static byte[] configBytes(NamespaceConfig c) {
        Bytes.Out bytes = new Bytes.Out(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeConfig(c, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static NamespaceConfig config(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new Bytes.In(bytes))) {
            return readConfig(in);
        } catch (IOException e) {
            throw new UncheckedIOException("a corrupt namespace configuration", e);
        }
    }

    /** The resolver is a function of one process: it is never stored, and never compared. */
    static NamespaceConfig withoutResolver(NamespaceConfig c) {
        return c.conflictResolver().isEmpty() ? c : c.toBuilder().conflictResolver(null).build();
    }

    static byte[] payload(byte op, long incarnation, NamespaceConfig from, NamespaceConfig to) {
        return Payload.writer().byteValue(op).longValue(incarnation)
                .blob(from == null ? null : configBytes(from)).blob(to == null ? null : configBytes(to)).bytes();
    }

    /** On the owner of the namespace's record. The answer: a status byte and the record as it is now (if any). */
    static byte[] process(Processor p, Map.Entry<String, byte[]> entry) {
        Payload.Reader in = Payload.reader(p.payload);
        byte op = in.byteValue();
        long incarnation = in.longValue();
        byte[] from = in.blob();
        byte[] to = in.blob();
        NamespaceRecord current = entry.getValue() == null ? null : parse(entry.getValue());
        switch (op) {
            case ADD:
                if (current == null) {
                    NamespaceRecord added = new NamespaceRecord(incarnation, 1, config(to));
                    byte[] bytes = added.toBytes();
                    p.write(entry, bytes, 0);
                    return answer(ADDED, bytes);
                }
                // a re-run of this very add finds its own incarnation
                return answer(current.incarnation == incarnation ? ADDED : EXISTS, entry.getValue());
            case SAVE:
                if (current == null || current.incarnation != incarnation) {
                    return answer(GONE, entry.getValue());
                }
                NamespaceRecord saved = new NamespaceRecord(incarnation, current.rev + 1,
                        merge(current.config, config(from), config(to)));
                byte[] bytes = saved.toBytes();
                p.write(entry, bytes, 0);
                return answer(SAVED, bytes);
            case DROP:
                if (current == null || current.incarnation != incarnation) {
                    return answer(GONE, entry.getValue());
                }
                p.write(entry, null, 0);
                return answer(DROPPED, null);
            default:
                throw new IllegalStateException("unknown namespace operation " + op);
        }
    }

    /** {@code current} with what changed from {@code from} to {@code to}. */
    static NamespaceConfig merge(NamespaceConfig current, NamespaceConfig from, NamespaceConfig to) {
        NamespaceConfig.Builder b = current.toBuilder();
        if (from.defaultPermission() != to.defaultPermission()) {
            b.defaultPermission(to.defaultPermission());
        }
        if (!from.conflictStrategy().equals(to.conflictStrategy())) {
            b.conflictStrategy(to.conflictStrategy());
        }
        if (from.maxEntries() != to.maxEntries()) {
            b.maxEntries(to.maxEntries());
        }
        if (!from.ttl().equals(to.ttl())) {
            b.ttl(to.ttl());
        }
        Map<String, Permission> permissions = new LinkedHashMap<>(current.permissions());
        Set<String> agents = new HashSet<>(from.permissions().keySet());
        agents.addAll(to.permissions().keySet());
        for (String agent : agents) {
            Permission was = from.permissions().get(agent);
            Permission now = to.permissions().get(agent);
            if (!Objects.equals(was, now)) {
                if (now == null) {
                    permissions.remove(agent);
                } else {
                    permissions.put(agent, now);
                }
            }
        }
        NamespaceConfig merged = b.build();
        // the builder only adds overrides: rebuild them from the merged map
        NamespaceConfig.Builder exact = NamespaceConfig.builder().defaultPermission(merged.defaultPermission())
                .conflictStrategy(merged.conflictStrategy()).maxEntries(merged.maxEntries()).ttl(merged.ttl());
        exact.permissions(permissions);
        return exact.build();
    }

    private static byte[] answer(byte status, byte[] record) {
        return Payload.writer().byteValue(status).blob(record).bytes();
    }
}
