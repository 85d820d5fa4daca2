package io.sharedmemory.engine.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the engine logs (its {@code System.Logger} goes to {@code java.util.logging} outside OSGi) while it is
 * open: {@code try (EngineLogCapture log = EngineLogCapture.open()) { … log.records() … }}.
 */
public final class EngineLogCapture extends Handler implements AutoCloseable {
    private static final Logger ENGINE = Logger.getLogger("io.sharedmemory.engine");

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private EngineLogCapture() {
    }

    public static EngineLogCapture open() {
        EngineLogCapture capture = new EngineLogCapture();
        ENGINE.addHandler(capture);
        return capture;
    }

    /** @return what was logged so far, oldest first (a live view) */
    public List<LogRecord> records() {
        return records;
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        ENGINE.removeHandler(this);
    }
}
