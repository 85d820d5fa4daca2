package io.sharedmemory.audit;

import io.sharedmemory.api.AccessAction;
import io.sharedmemory.api.AccessLogEntry;
import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link JsonLinesAuditSink_DurabilityTest}: records numbered entries forever and prints each
 * number once {@code record} has returned, until it is killed.
 */
public final class CrashingAuditWriter {
    private CrashingAuditWriter() {
    }

    public static void main(String[] args) {
        JsonLinesAuditSink sink = JsonLinesAuditSink.open(Path.of(args[0]));
        for (int i = 0; ; i++) {
            sink.record(new AccessLogEntry(System.currentTimeMillis(), "crasher", AccessAction.WRITE, "ns",
                    Integer.toString(i), true, null));
            System.out.println(i);
            System.out.flush();
        }
    }
}
