package io.sharedmemory.groupcommit;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File-system steps that append-only files need besides their own writes and forces. */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** A call on a channel of its own; see {@link #onOwnChannel}. */
    @FunctionalInterface
    public interface ChannelCall<T> {
        T call(FileChannel channel) throws IOException;
    }

    /**
     * Forces a directory's entries to the device: a file created, renamed or deleted in it survives a power loss only
     * once its directory is forced ({@code fsync} of the directory; forcing the file is not enough). An interrupted
     * caller (a writer whose task was cancelled) still forces it, and keeps its interrupt status.
     *
     * @param directory the directory
     * @throws IOException when it cannot be opened or forced (on some platforms, Windows among them, a directory cannot
     *         be opened at all; a caller that can live without it decides)
     */
    public static void forceDirectory(Path directory) throws IOException {
        onOwnChannel(directory, d -> {
            d.force(true);
            return null;
        }, StandardOpenOption.READ);
    }

    /**
     * Runs an interruptible channel operation (a force, a mapping) in a thread whose interrupt must not abort it: on a
     * channel opened for the call alone, with the thread's interrupt status cleared. An interrupt that arrives during
     * the call closes that channel (never a file the caller keeps open) and loses the call's result, so the call is
     * made again on a new channel; the thread's interrupt status is set again on return. The system call itself runs
     * to its end: an I/O error met by a force whose result an interrupt took away, at that very moment, goes unseen.
     *
     * @param file the file to open
     * @param call what to do with the channel; what it returns must outlive the channel (a mapping does)
     * @param options how to open the file
     * @return what the call returned
     * @throws IOException when the file cannot be opened or the call fails
     * @since 1.1
     */
    public static <T> T onOwnChannel(Path file, ChannelCall<T> call, OpenOption... options) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            for (;;) {
                try (FileChannel channel = FileChannel.open(file, options)) {
                    return call.call(channel);
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
