package dev.mailbridge.ews.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Incremental base64 decoder: text arrives in arbitrary segments (as the parser delivers it), bytes
 * leave in 32 KiB blocks. Whitespace (line breaks of MIME-style base64) is ignored; anything else
 * outside the alphabet is an error.
 */
final class Base64Sink {
    private static final int[] VALUES = new int[128];

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private final OutputStream out;
    private final byte[] buf = new byte[32 * 1024];
    private int pos;
    private int quad;
    private int quadLen;
    private int padding;
    private long total;

    Base64Sink(OutputStream out) {
        this.out = out;
    }

    void accept(char[] text, int start, int length) throws IOException {
        int end = start + length;
        for (int i = start; i < end; i++) {
            char c = text[i];
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                continue;
            }
            if (c == '=') {
                padding++;
                quad <<= 6;
                quadLen++;
            } else {
                int v = c < 128 ? VALUES[c] : -1;
                if (v < 0 || padding > 0) {
                    throw new IOException("Invalid base64 character '" + c + "'");
                }
                quad = (quad << 6) | v;
                quadLen++;
            }
            if (quadLen == 4) {
                emit();
            }
        }
    }

    private void emit() throws IOException {
        if (pos + 3 > buf.length) {
            out.write(buf, 0, pos);
            pos = 0;
        }
        int bytes = 3 - padding;
        if (bytes < 1) {
            throw new IOException("Invalid base64 padding");
        }
        buf[pos++] = (byte) (quad >> 16);
        if (bytes > 1) {
            buf[pos++] = (byte) (quad >> 8);
        }
        if (bytes > 2) {
            buf[pos++] = (byte) quad;
        }
        total += bytes;
        quad = 0;
        quadLen = 0;
    }

    long finish() throws IOException {
        if (quadLen != 0) {
            throw new IOException("Truncated base64 content");
        }
        out.write(buf, 0, pos);
        pos = 0;
        out.flush();
        return total;
    }
}
