package io.sharedmemory.store.hazelcast.internal;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.AbstractSerializationService;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.sharedmemory.store.StoreException;
import java.io.IOException;
import java.util.List;

/**
 * How the store's objects travel between members: one {@link StreamSerializer} per class, each with a fixed type id,
 * writing the object's fields (mostly byte arrays the store encodes itself). No Java serialization and no class-name
 * lookups: a receiving member finds the serializer by the type id, and the serializer makes the object — so it works
 * under OSGi class loaders. Stored records are plain {@code byte[]}, which Hazelcast serializes itself.
 *
 * <p>A member must know these serializers before it receives one of these objects. {@link #configure} adds them to a
 * configuration (the member component does, and an application that builds a member holding data without opening a
 * memory on it must); {@link #register} adds them to a running member when {@code HazelcastStore.on} is given one
 * whose configuration did not — through Hazelcast's internal serialization service, the only way to register a
 * serializer after a member started.
 */
public final class Wire {
    /** "SM" followed by a number: positive, as Hazelcast requires of user type ids. */
    static final int PROCESSOR = 0x534D_0001;
    static final int BACKUP = 0x534D_0002;
    static final int LIVE_COUNT = 0x534D_0003;
    static final int NAMESPACE_TASK = 0x534D_0004;

    private Wire() {
    }

    private static List<StreamSerializer<?>> serializers() {
        return List.of(new ProcessorSerializer(), new BackupSerializer(), new LiveCountSerializer(),
                new NamespaceTaskSerializer());
    }

    private static List<Class<?>> types() {
        return List.of(Processor.class, RecordBackup.class, LiveCount.class, NamespaceTask.class);
    }

    /** Adds the store's serializers to a member's configuration, before the member starts. */
    public static void configure(Config config) {
        List<StreamSerializer<?>> serializers = serializers();
        List<Class<?>> types = types();
        for (int i = 0; i < types.size(); i++) {
            Class<?> type = types.get(i);
            boolean present = config.getSerializationConfig().getSerializerConfigs().stream()
                    .anyMatch(s -> type.equals(s.getTypeClass()) || type.getName().equals(s.getTypeClassName()));
            if (!present) {
                config.getSerializationConfig().addSerializerConfig(new SerializerConfig()
                        .setTypeClass(type).setImplementation(serializers.get(i)));
            }
        }
    }

    /**
     * Adds the store's serializers to a running member, unless it has them.
     *
     * @throws StoreException when the member's serialization service cannot take them (naming why)
     */
    static void register(HazelcastInstance hz) {
        if (!(hz instanceof SerializationServiceSupport support)
                || !(support.getSerializationService() instanceof InternalSerializationService internal)
                || !(internal instanceof AbstractSerializationService service)) {
            throw new StoreException("The Hazelcast instance " + hz.getName() + " is not a member whose "
                    + "serializers the store can register (" + hz.getClass().getName() + "); configure it with "
                    + "HazelcastStore.configure(config) before starting it");
        }
        List<StreamSerializer<?>> serializers = serializers();
        List<Class<?>> types = types();
        for (int i = 0; i < types.size(); i++) {
            try {
                service.register(types.get(i), serializers.get(i));
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new StoreException("The member " + hz.getName() + " has another serializer for "
                        + types.get(i).getSimpleName() + " (type id " + serializers.get(i).getTypeId() + "), "
                        + "probably of an earlier copy of the sharedmemory store bundle: restart the member (" + e
                        .getMessage() + ")", e);
            }
        }
    }

    static final class ProcessorSerializer implements StreamSerializer<Processor> {
        @Override
        public int getTypeId() {
            return PROCESSOR;
        }

        @Override
        public void write(ObjectDataOutput out, Processor p) throws IOException {
            out.writeByte(p.kind);
            out.writeByteArray(p.payload);
        }

        @Override
        public Processor read(ObjectDataInput in) throws IOException {
            return new Processor(in.readByte(), in.readByteArray());
        }
    }

    static final class BackupSerializer implements StreamSerializer<RecordBackup> {
        @Override
        public int getTypeId() {
            return BACKUP;
        }

        @Override
        public void write(ObjectDataOutput out, RecordBackup b) throws IOException {
            out.writeByteArray(b.value);
            out.writeLong(b.ttlSeconds);
        }

        @Override
        public RecordBackup read(ObjectDataInput in) throws IOException {
            return new RecordBackup(in.readByteArray(), in.readLong());
        }
    }

    static final class LiveCountSerializer implements StreamSerializer<LiveCount> {
        @Override
        public int getTypeId() {
            return LIVE_COUNT;
        }

        @Override
        public void write(ObjectDataOutput out, LiveCount c) throws IOException {
            out.writeLong(c.count);
        }

        @Override
        public LiveCount read(ObjectDataInput in) throws IOException {
            LiveCount c = new LiveCount();
            c.count = in.readLong();
            return c;
        }
    }

    static final class NamespaceTaskSerializer implements StreamSerializer<NamespaceTask> {
        @Override
        public int getTypeId() {
            return NAMESPACE_TASK;
        }

        @Override
        public void write(ObjectDataOutput out, NamespaceTask t) throws IOException {
            out.writeString(t.memory);
            out.writeString(t.name);
            out.writeByteArray(t.record);
            out.writeLong(t.incarnation);
        }

        @Override
        public NamespaceTask read(ObjectDataInput in) throws IOException {
            return new NamespaceTask(in.readString(), in.readString(), in.readByteArray(), in.readLong());
        }
    }
}
