package io.sharedmemory.benchmarks;

/** JVM flags of every forked benchmark JVM (the same for every subject, so that no subject runs in a different VM). */
final class Jvm {
    /** Enough for a 1 000 000-entry access log plus the data; fixed, so that heap sizing is not part of the score. */
    static final String XMS = "-Xms3g";
    static final String XMX = "-Xmx3g";
    /** What embedded Hazelcast 5.7 asks for on JDK 17. */
    static final String HZ1 = "--add-modules=java.se";
    static final String HZ2 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String HZ3 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String HZ4 = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String HZ5 = "--add-opens=java.management/sun.management=ALL-UNNAMED";
    static final String HZ6 = "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED";

    static final String[] ALL = {XMS, XMX, HZ1, HZ2, HZ3, HZ4, HZ5, HZ6};

    private Jvm() {
    }
}
