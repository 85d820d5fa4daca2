package io.sharedmemory.groupcommit;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File-system steps that append-only files need besides their own writes and forces. */
public final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Forces a directory's entries to the device: a file created, renamed or deleted in it survives a power loss only
     * once its directory is forced ({@code fsync} of the directory; forcing the file is not enough).
     *
     * @param directory the directory
     * @throws IOException when it cannot be opened or forced (on some platforms, Windows among them, a directory cannot
     *         be opened at all; a caller that can live without it decides)
     */
    public static void forceDirectory(Path directory) throws IOException {
        // with the thread's interrupt status cleared: an interrupted caller (a writer whose task was cancelled) would
        // otherwise get a ClosedByInterruptException instead of a durable directory. An interrupt during the force
        // closes the channel and loses the force's result (the system call itself runs to its end), so the force is
        // made again through a new one; only an I/O error met by the lost force, in that very moment, would go unseen
        boolean interrupted = Thread.interrupted();
        try {
            for (;;) {
                try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
                    d.force(true);
                    return;
                } catch (ClosedByInterruptException e) {
                    interrupted = true;
                    Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
