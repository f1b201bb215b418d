package dev.mailbridge.graph;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

/** Base64 of another stream, produced as it is read: sendMail's MIME form without holding the message. */
final class Base64Encoding extends InputStream {
    private static final int CHUNK = 3 * 16 * 1024;
    private final InputStream source;
    private final byte[] raw = new byte[CHUNK];
    private byte[] encoded = new byte[0];
    private int pos;
    private boolean eof;

    Base64Encoding(InputStream source) {
        this.source = source;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos == encoded.length && !fill()) {
            return -1;
        }
        int n = Math.min(len, encoded.length - pos);
        System.arraycopy(encoded, pos, b, off, n);
        pos += n;
        return n;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int filled = 0;
        // Whole 3-byte groups only, so the chunks' base64 concatenates without padding in the middle.
        while (filled < CHUNK) {
            int n = source.read(raw, filled, CHUNK - filled);
            if (n < 0) {
                eof = true;
                break;
            }
            filled += n;
        }
        if (filled == 0) {
            return false;
        }
        encoded = Base64.getEncoder().encode(filled == CHUNK ? raw : java.util.Arrays.copyOf(raw, filled));
        pos = 0;
        return true;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
