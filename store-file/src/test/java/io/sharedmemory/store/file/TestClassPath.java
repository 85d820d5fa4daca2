package io.sharedmemory.store.file;

/** The class path a child JVM of a test gets: the test's own (Surefire's, or the one a runner names). */
final class TestClassPath {
    private TestClassPath() {
    }

    static String get() {
        return System.getProperty("sharedmemory.test.classpath", System.getProperty("java.class.path"));
    }
}
