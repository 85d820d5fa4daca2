package io.sharedmemory.osgitests;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages one component logs through {@code System.Logger} (backed by java.util.logging in the test framework),
 * for tests that must know a configuration was processed when processing it changes nothing visible.
 *
 * <p>Why the tests wait for that: Felix SCR reads a configuration's properties and its change count in two calls.
 * An update that lands between them is taken for already applied and its event is dropped, so a test that updates a
 * configuration twice in a row can lose the second update. Each test waits until the first was handled.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            messages.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String loggerName) {
        // held in a field: java.util.logging keeps loggers weakly, and a collected one would lose the handler
        this.logger = Logger.getLogger(loggerName);
        logger.addHandler(handler);
    }

    /** Starts capturing what the class of that name (in any bundle) logs; {@link #close} stops. */
    static LogCapture of(String className) {
        return new LogCapture(className);
    }

    /** Waits up to 10 s for a message containing every one of {@code parts}, and returns it. */
    String awaitMessage(String... parts) {
        return await().atMost(10, SECONDS).until(
                () -> messages.stream().filter(m -> containsAll(m, parts)).findFirst().orElse(null),
                m -> m != null);
    }

    private static boolean containsAll(String message, String[] parts) {
        for (String part : parts) {
            if (message == null || !message.contains(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
