package dev.mailbridge.ews.xml;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Incremental base64 decoder: text arrives in arbitrary segments (as the parser delivers it), bytes
 * leave in 8 KiB blocks. Whitespace (line breaks of MIME-style base64) is ignored; anything else
 * outside the alphabet is an error.
 *
 * <p>The hot path (MimeContent is most of an EWS response's bytes, and Exchange writes it without
 * line breaks): blocks of 4096, 1024, 256 and 64 characters are narrowed to bytes by the JDK's
 * US-ASCII encoder and decoded by {@link Base64.Decoder}, both vectorized intrinsics, about 20x
 * faster than a table lookup per character. A block that is not pure base64 (a line break, a
 * non-ASCII character) is left to the careful path, and so is the rest of that value. What is left
 * of a segment goes four characters at a time through a table; padding, whitespace and groups split
 * across segments one character at a time. One instance is reused for value after value ({@link
 * #start}).
 */
final class Base64Sink {
    private static final int[] VALUES = new int[128];
    private static final int[] BLOCKS = {4096, 1024, 256, 64};
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    static {
        Arrays.fill(VALUES, -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = i;
        }
    }

    private OutputStream out;
    private final byte[] buf = new byte[8 * 1024];
    private int pos;
    private int quad;
    private int quadLen;
    private int padding;
    private long total;
    /** False once a block of this value was not plain base64: the rest goes the careful way. */
    private boolean blocks;

    // the block path's scratch, made on first use: one source and one target array per block size
    // (Base64.Decoder decodes whole arrays), and the encoder that narrows characters to ASCII bytes
    private CharsetEncoder ascii;
    private ByteBuffer[] asciiBlocks;
    private byte[][] decodedBlocks;

    Base64Sink() {}

    Base64Sink(OutputStream out) {
        start(out);
    }

    /** Starts a new value, decoded into {@code out}. */
    void start(OutputStream out) {
        this.out = out;
        pos = 0;
        quad = 0;
        quadLen = 0;
        padding = 0;
        total = 0;
        blocks = true;
    }

    void accept(char[] text, int start, int length) throws IOException {
        int end = start + length;
        int i = start;
        while (i < end) {
            if (quadLen == 0 && padding == 0) {
                if (blocks && end - i >= BLOCKS[BLOCKS.length - 1]) {
                    i = acceptBlocks(text, i, end);
                }
                i = acceptGroups(text, i, end);
                if (i >= end) {
                    return;
                }
            }
            acceptOne(text[i++]);
        }
    }

    /**
     * Decodes whole blocks of plain base64 from {@code i} (at a group boundary) with the JDK's
     * intrinsics; returns where it stopped. The last group of the segment is left alone when it may
     * hold padding, so that the careful path sees the end of the value.
     */
    private int acceptBlocks(char[] text, int i, int end) throws IOException {
        int stop = end;
        if (text[end - 1] == '=' || text[end - 2] == '=') {
            stop = end - 4;
        }
        if (ascii == null) {
            ascii = StandardCharsets.US_ASCII.newEncoder();
            asciiBlocks = new ByteBuffer[BLOCKS.length];
            decodedBlocks = new byte[BLOCKS.length][];
            for (int k = 0; k < BLOCKS.length; k++) {
                asciiBlocks[k] = ByteBuffer.allocate(BLOCKS[k]);
                decodedBlocks[k] = new byte[BLOCKS[k] / 4 * 3];
            }
        }
        for (int k = 0; k < BLOCKS.length; k++) {
            int n = BLOCKS[k];
            ByteBuffer src = asciiBlocks[k];
            byte[] dst = decodedBlocks[k];
            while (stop - i >= n) {
                src.clear();
                ascii.reset();
                CoderResult r = ascii.encode(CharBuffer.wrap(text, i, n), src, true);
                int decoded;
                try {
                    decoded = r.isError() || src.position() != n ? -1 : DECODER.decode(src.array(), dst);
                    if (decoded != dst.length) {
                        decoded = -1; // padding inside the block: the careful path must see where the value ends
                    }
                } catch (IllegalArgumentException notPlain) {
                    decoded = -1;
                }
                if (decoded < 0) {
                    blocks = false; // whitespace or a stray character: the careful path takes it from here
                    return i;
                }
                if (pos + decoded > buf.length) {
                    out.write(buf, 0, pos);
                    pos = 0;
                }
                System.arraycopy(dst, 0, buf, pos, decoded);
                pos += decoded;
                total += decoded;
                i += n;
            }
        }
        return i;
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
