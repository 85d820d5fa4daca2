package io.sharedmemory.groupcommit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forcing a directory from a thread that is interrupted — before the call, and again and again during it — forces it
 * and keeps the thread's interrupt status: an interrupt closes the channel a force goes through, and a caller (a
 * writer making a log segment) must not fail because its task was cancelled.
 */
class DurableFilesTest {
    @Test
    void anInterruptedCaller_forcesTheDirectory_andKeepsItsInterruptStatus(@TempDir Path dir) throws Exception {
        int forces = 300;
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        List<Throwable> failures = new ArrayList<>();
        boolean[] interruptedAfter = new boolean[1];
        Thread caller = new Thread(() -> {
            started.countDown();
            try {
                for (int i = 0; i < forces; i++) {
                    // FileOutputStream: not interruptible, so that only the force meets the interrupts
                    try (FileOutputStream out = new FileOutputStream(dir.resolve("f" + i).toFile())) {
                        out.write('x');
                    }
                    DurableFiles.forceDirectory(dir);
                }
                interruptedAfter[0] = Thread.currentThread().isInterrupted();
            } catch (Throwable e) {
                failures.add(e);
            } finally {
                done.set(true);
            }
        }, "interrupted-caller");
        caller.start();
        started.await();
        int interrupts = 0;
        while (!done.get()) {
            caller.interrupt();
            interrupts++;
            Thread.onSpinWait();
        }
        caller.join(60_000);
        assertFalse(caller.isAlive());
        assertEquals(List.of(), failures);
        assertTrue(interrupts >= forces, "interrupted throughout: " + interrupts);
        assertTrue(interruptedAfter[0], "the interrupt status is kept");
    }
}
