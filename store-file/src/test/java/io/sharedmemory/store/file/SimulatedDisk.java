package io.sharedmemory.store.file;

import io.sharedmemory.store.file.internal.Disk;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A file system in memory that knows what a power loss would keep: for each file, what was forced; for each directory,
 * the entries it held when it was last forced. {@link #powerLoss} returns the disk as it comes back: only forced
 * contents, only forced directory entries, and the last write that was not forced torn at a random byte. A {@link Hook}
 * sees every operation first, to fail it or to hold it.
 */
final class SimulatedDisk implements Disk {
    /** Every operation, as the hook sees it. */
    enum Op { CREATE_SEGMENT, SEGMENT_WRITE, SEGMENT_FORCE, CREATE, OPEN_WRITE, WRITE, TRUNCATE, FORCE, MOVE,
        FORCE_DIRECTORY, DELETE, LIST, LOCK, OPEN_READ }

    /** Sees each operation before it happens; may throw (a failure) or block (a slow device). */
    @FunctionalInterface
    interface Hook {
        void before(Op op, Path path) throws IOException;
    }

    /** A file: its contents now, and what of it a power loss keeps. */
    private static final class Node {
        byte[] current;
        int size;
        byte[] durable = new byte[0];

        Node(int size) {
            this.current = new byte[size];
            this.size = size;
        }

        synchronized void write(long at, byte[] b, int off, int len) {
            int end = (int) at + len;
            if (end > current.length) {
                current = Arrays.copyOf(current, Math.max(end, current.length * 2));
            }
            System.arraycopy(b, off, current, (int) at, len);
            size = Math.max(size, end);
        }

        synchronized void force() {
            durable = Arrays.copyOf(current, size);
        }

        synchronized void truncate(long to) {
            if (to < size) {
                Arrays.fill(current, (int) to, size, (byte) 0);
                size = (int) to;
            }
        }
    }

    /** The last write that no force covered yet. */
    private record LastWrite(Node node, long at, byte[] bytes) {
    }

    private final Map<Path, Node> files = new HashMap<>();
    private final Map<Path, Node> forcedEntries = new HashMap<>();
    private final Set<Path> locks = new HashSet<>();
    private LastWrite last;
    private volatile Hook hook = (op, path) -> { };

    void hook(Hook h) {
        this.hook = h;
    }

    private void before(Op op, Path path) throws IOException {
        hook.before(op, path);
    }

    /**
     * @param random where the last unforced write is torn
     * @return the disk after a power loss: what was forced, under the names that were forced
     */
    synchronized SimulatedDisk powerLoss(Random random) {
        SimulatedDisk after = new SimulatedDisk();
        Map<Node, Node> copies = new HashMap<>();
        for (Map.Entry<Path, Node> e : forcedEntries.entrySet()) {
            Node n = e.getValue();
            Node copy = copies.computeIfAbsent(n, k -> {
                Node c = new Node(0);
                synchronized (k) {
                    c.write(0, k.durable, 0, k.durable.length);
                }
                return c;
            });
            after.files.put(e.getKey(), copy);
        }
        if (last != null && copies.containsKey(last.node)) {
            int kept = random.nextInt(last.bytes.length + 1);
            copies.get(last.node).write(last.at, last.bytes, 0, kept);
        }
        for (Node n : after.files.values()) {
            n.force();
        }
        after.forcedEntries.putAll(after.files);
        return after;
    }

    /** @return the disk after a crash of the process only: everything written stays, names and all */
    synchronized SimulatedDisk processCrash() {
        SimulatedDisk after = new SimulatedDisk();
        for (Map.Entry<Path, Node> e : files.entrySet()) {
            Node c = new Node(0);
            synchronized (e.getValue()) {
                c.write(0, e.getValue().current, 0, e.getValue().size);
            }
            c.force();
            after.files.put(e.getKey(), c);
        }
        after.forcedEntries.putAll(after.files);
        return after;
    }

    /** @return the names of the files that exist now */
    synchronized Set<Path> paths() {
        return new HashSet<>(files.keySet());
    }

    /** @return a copy of a file's current contents */
    synchronized byte[] contents(Path file) {
        Node n = files.get(file);
        synchronized (n) {
            return Arrays.copyOf(n.current, n.size);
        }
    }

    /** Replaces a file's contents (a test's damage), durably. */
    synchronized void replace(Path file, byte[] contents) {
        Node n = new Node(0);
        n.write(0, contents, 0, contents.length);
        n.force();
        files.put(file, n);
        forcedEntries.put(file, n);
    }

    private synchronized void noteWrite(Node n, long at, byte[] b, int off, int len) {
        last = new LastWrite(n, at, Arrays.copyOfRange(b, off, off + len));
    }

    private synchronized void noteForce(Node n) {
        if (last != null && last.node == n) {
            last = null;
        }
    }

    private synchronized Node node(Path file) throws NoSuchFileException {
        Node n = files.get(file);
        if (n == null) {
            throw new NoSuchFileException(file.toString());
        }
        return n;
    }

    @Override
    public void createDirectories(Path directory) {
    }

    @Override
    public synchronized DirectoryLock lock(Path lockFile) throws IOException {
        before(Op.LOCK, lockFile);
        if (!locks.add(lockFile)) {
            throw new OverlappingFileLockException();
        }
        return () -> {
            synchronized (SimulatedDisk.this) {
                locks.remove(lockFile);
            }
        };
    }

    @Override
    public List<String> list(Path directory) throws IOException {
        before(Op.LIST, directory);
        List<String> names = new ArrayList<>();
        synchronized (this) {
            for (Path p : files.keySet()) {
                if (directory.equals(p.getParent())) {
                    names.add(p.getFileName().toString());
                }
            }
        }
        return names;
    }

    @Override
    public SegmentFile createSegment(Path file, int size, boolean writeThrough) throws IOException {
        before(Op.CREATE_SEGMENT, file);
        Node n = new Node(size);
        synchronized (this) {
            if (files.containsKey(file)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            files.put(file, n);
        }
        return new SegmentFile() {
            @Override
            public int size() {
                return size;
            }

            @Override
            public void write(int offset, byte[] source, int from, int length) {
                try {
                    before(Op.SEGMENT_WRITE, file);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                n.write(offset, source, from, length);
                noteWrite(n, offset, source, from, length);
            }

            @Override
            public void force(int from, int to) throws IOException {
                before(Op.SEGMENT_FORCE, file);
                n.force();
                noteForce(n);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public ReadFile openRead(Path file) throws IOException {
        before(Op.OPEN_READ, file);
        Node n = node(file);
        return new ReadFile() {
            @Override
            public long size() {
                synchronized (n) {
                    return n.size;
                }
            }

            @Override
            public int read(ByteBuffer into, long position) {
                synchronized (n) {
                    if (position >= n.size) {
                        return -1;
                    }
                    int k = (int) Math.min(into.remaining(), n.size - position);
                    into.put(n.current, (int) position, k);
                    return k;
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public WriteFile create(Path file) throws IOException {
        before(Op.CREATE, file);
        Node n = new Node(0);
        synchronized (this) {
            files.put(file, n);
        }
        return writeFile(file, n);
    }

    @Override
    public WriteFile openWrite(Path file) throws IOException {
        before(Op.OPEN_WRITE, file);
        return writeFile(file, node(file));
    }

    private WriteFile writeFile(Path file, Node n) {
        long[] position = {0};
        return new WriteFile() {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                write(bytes, position[0]);
            }

            @Override
            public void write(ByteBuffer bytes, long at) throws IOException {
                before(Op.WRITE, file);
                byte[] b = new byte[bytes.remaining()];
                bytes.get(b);
                n.write(at, b, 0, b.length);
                noteWrite(n, at, b, 0, b.length);
                position[0] = at + b.length;
            }

            @Override
            public void truncate(long size) throws IOException {
                before(Op.TRUNCATE, file);
                n.truncate(size);
            }

            @Override
            public void force() throws IOException {
                before(Op.FORCE, file);
                n.force();
                noteForce(n);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        before(Op.MOVE, from);
        synchronized (this) {
            Node n = files.remove(from);
            if (n == null) {
                throw new FileNotFoundException(from.toString());
            }
            files.put(to, n);
        }
    }

    @Override
    public void forceDirectory(Path directory) throws IOException {
        before(Op.FORCE_DIRECTORY, directory);
        synchronized (this) {
            forcedEntries.keySet().removeIf(p -> directory.equals(p.getParent()));
            files.forEach((p, n) -> {
                if (directory.equals(p.getParent())) {
                    forcedEntries.put(p, n);
                }
            });
        }
    }

    @Override
    public void delete(Path file) throws IOException {
        before(Op.DELETE, file);
        synchronized (this) {
            files.remove(file);
        }
    }
}
