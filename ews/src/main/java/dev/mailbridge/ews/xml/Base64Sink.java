package dev.mailbridge.ews.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Incremental base64 decoder: text arrives in arbitrary segments (as the parser delivers it), bytes
 * leave in 8 KiB blocks. Whitespace (line breaks of MIME-style base64) is ignored; anything else
 * outside the alphabet is an error. Whole groups of four characters are decoded in one step (the hot
 * path: MimeContent is most of an EWS response's bytes); line breaks, padding and groups split across
 * segments go through the character-at-a-time path.
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
    private final byte[] buf = new byte[8 * 1024];
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
        int i = start;
        while (i < end) {
            if (quadLen == 0 && padding == 0) {
                i = acceptGroups(text, i, end);
                if (i >= end) {
                    return;
                }
            }
            acceptOne(text[i++]);
        }
    }

    /** Decodes whole groups of four alphabet characters from {@code i}; returns where it stopped. */
    private int acceptGroups(char[] text, int i, int end) throws IOException {
        byte[] b = buf;
        int p = pos;
        int decoded = 0;
        while (end - i >= 4) {
            char c0 = text[i], c1 = text[i + 1], c2 = text[i + 2], c3 = text[i + 3];
            if ((c0 | c1 | c2 | c3) >= 128) {
                break;
            }
            int v0 = VALUES[c0], v1 = VALUES[c1], v2 = VALUES[c2], v3 = VALUES[c3];
            if ((v0 | v1 | v2 | v3) < 0) {
                break; // whitespace, padding or an invalid character: the careful path decides
            }
            if (p + 3 > b.length) {
                out.write(b, 0, p);
                p = 0;
            }
            int q = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
            b[p] = (byte) (q >> 16);
            b[p + 1] = (byte) (q >> 8);
            b[p + 2] = (byte) q;
            p += 3;
            decoded += 3;
            i += 4;
        }
        pos = p;
        total += decoded;
        return i;
    }

    private void acceptOne(char c) throws IOException {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            return;
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
