package io.sharedmemory.benchmarks;

/**
 * JVM flags of every forked benchmark JVM (the same for every subject, so that no subject runs in a different VM). Each
 * {@code @Fork} lists them all: an annotation takes constant strings, not an array constant.
 */
final class Jvm {
    /** Enough for a 1 000 000-entry access log plus the data; fixed, so that heap sizing is not part of the score. */
    static final String XMS = "-Xms3g";
    static final String XMX = "-Xmx3g";
    /**
     * Every page of that heap faulted in before the benchmark starts. Without it, the first time G1 grows the young
     * generation (to about 1.8 GB, a few seconds in) the allocating threads take a page fault per fresh 4 KB until the
     * next collection: measured on this machine, the fan-out writer ran at 0.5 M writes/s in those seconds and 1.9 M
     * after them, and that phase fell into the measurement iterations of some runs and not others. Every subject gets
     * it; a long-running deployment pays first-touch faults once, not in its steady state.
     */
    static final String PRETOUCH = "-XX:+AlwaysPreTouch";
    /** What embedded Hazelcast 5.7 asks for on JDK 17. */
    static final String HZ1 = "--add-modules=java.se";
    static final String HZ2 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    static final String HZ3 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    static final String HZ4 = "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String HZ5 = "--add-opens=java.management/sun.management=ALL-UNNAMED";
    static final String HZ6 = "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED";

    private Jvm() {
    }
}
