package io.sharedmemory.store.file;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the file store logs (System.Logger's default backend is java.util.logging), at WARNING and above, while open.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.sharedmemory.store.file");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                synchronized (records) {
                    records.add(r);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    LogCapture() {
        logger.addHandler(handler);
    }

    /** @return the messages logged so far, and forgets them */
    List<String> take() {
        synchronized (records) {
            List<String> m = new ArrayList<>();
            for (LogRecord r : records) {
                m.add(r.getMessage());
            }
            records.clear();
            return m;
        }
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
