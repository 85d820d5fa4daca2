package io.sharedmemory.store.file.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a memory-mapped segment at once, with {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported},
 * the supported way before Java 19's memory segments; Lucene and Kafka do the same). Without it the mapping lasts until
 * the garbage collector frees the buffer, and a deleted segment keeps its disk space until then. Where the package is
 * not visible (an OSGi framework that does not export {@code sun.misc}), that is what happens. The caller guarantees
 * that nothing touches the buffer afterwards: an access to an unmapped buffer crashes the JVM.
 */
final class Unmapper {
    private static final System.Logger LOG = System.getLogger("io.sharedmemory.store.file");
    private static final MethodHandle CLEANER = cleaner();

    private Unmapper() {
    }

    private static MethodHandle cleaner() {
        try {
            Class<?> unsafe = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafe.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return MethodHandles.lookup().findVirtual(unsafe, "invokeCleaner",
                    MethodType.methodType(void.class, ByteBuffer.class)).bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.DEBUG, "sun.misc.Unsafe.invokeCleaner is not available; log segments are "
                    + "unmapped by the garbage collector", e);
            return null;
        }
    }

    /** @return whether segments are unmapped at once */
    static boolean available() {
        return CLEANER != null;
    }

    static void unmap(MappedByteBuffer buffer) {
        if (CLEANER == null) {
            return;
        }
        try {
            CLEANER.invokeExact((ByteBuffer) buffer);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "could not unmap a log segment; the garbage collector will", e);
        }
    }
}
