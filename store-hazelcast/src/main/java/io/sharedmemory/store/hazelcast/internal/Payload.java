package io.sharedmemory.store.hazelcast.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The fields of an operation sent to a key's owner, as bytes: written in order, read back in the same order. */
final class Payload {
    private Payload() {
    }

    static Writer writer() {
        return new Writer();
    }

    static Reader reader(byte[] bytes) {
        return new Reader(bytes);
    }

    static final class Writer {
        private final Bytes.Out bytes = new Bytes.Out(128);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer longValue(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer intValue(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer byteValue(int v) {
            try {
                out.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer bool(boolean v) {
            try {
                out.writeBoolean(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** A string, or null. */
        Writer text(String s) {
            try {
                out.writeBoolean(s != null);
                if (s != null) {
                    byte[] utf = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    out.writeInt(utf.length);
                    out.write(utf);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** Bytes, or null. */
        Writer blob(byte[] b) {
            try {
                EntryRecord.writeBlob(out, b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /** For the engine's codec, which writes to a DataOutput. */
        DataOutputStream out() {
            return out;
        }

        byte[] bytes() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    static final class Reader {
        private final DataInputStream in;

        Reader(byte[] bytes) {
            this.in = new DataInputStream(new Bytes.In(bytes));
        }

        long longValue() {
            try {
                return in.readLong();
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        int intValue() {
            try {
                return in.readInt();
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        byte byteValue() {
            try {
                return in.readByte();
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        boolean bool() {
            try {
                return in.readBoolean();
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        String text() {
            try {
                if (!in.readBoolean()) {
                    return null;
                }
                byte[] utf = new byte[in.readInt()];
                in.readFully(utf);
                return new String(utf, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        byte[] blob() {
            try {
                return EntryRecord.readBlob(in);
            } catch (IOException e) {
                throw corrupt(e);
            }
        }

        DataInputStream in() {
            return in;
        }

        private static UncheckedIOException corrupt(IOException e) {
            return new UncheckedIOException("a corrupt payload", e);
        }
    }
}
