package dev.mailbridge.core.message;

import jakarta.mail.util.SharedByteArrayInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The message copied once from the caller's stream: in memory up to a threshold, in a temporary file
 * beyond it. Angus Mail reads a {@code SharedInputStream} by offsets, so parts are never copied again.
 * While copying, the size limit and the top-level header block's size are enforced.
 */
final class Spool implements AutoCloseable {
    private final InputStream shared;
    private final Path file;
    private final long size;

    private Spool(InputStream shared, Path file, long size) {
        this.shared = shared;
        this.file = file;
        this.size = size;
    }

    static Spool of(InputStream in, MimeParser.Limits limits, Path tempDir) throws IOException {
        HeaderScan scan = new HeaderScan(limits.maxHeaderBytes());
        ByteArrayOutputStream memory = new ByteArrayOutputStream(8192);
        OutputStream out = memory;
        Path file = null;
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        boolean ok = false;
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                total += n;
                if (total > limits.maxMessageBytes()) {
                    throw new MessageParseException("the message is larger than the limit of "
                            + limits.maxMessageBytes() + " bytes (Limits.maxMessageBytes)");
                }
                scan.feed(buf, n);
                if (file == null && total > limits.memoryThresholdBytes()) {
                    file = tempDir == null
                            ? Files.createTempFile("mailbridge-mime-", ".eml")
                            : Files.createTempFile(tempDir, "mailbridge-mime-", ".eml");
                    out = Files.newOutputStream(file);
                    memory.writeTo(out);
                    memory = null;
                }
                out.write(buf, 0, n);
            }
            if (total == 0) {
                throw new MessageParseException("the message is empty (0 bytes)");
            }
            Spool spool;
            if (file == null) {
                spool = new Spool(new SharedByteArrayInputStream(memory.toByteArray()), null, total);
            } else {
                out.close();
                spool = new Spool(new SharedFileInputStream(file.toFile()), file, total);
            }
            ok = true;
            return spool;
        } finally {
            if (!ok && file != null) {
                try {
                    out.close();
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** A {@code SharedInputStream} over the whole message. */
    InputStream stream() {
        return shared;
    }

    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        try {
            shared.close();
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Counts the bytes of the top-level header block (up to the first empty line). */
    private static final class HeaderScan {
        private final int max;
        private long bytes;
        private boolean done;
        private int lineLength; // bytes of the current line, CR excluded

        HeaderScan(int max) {
            this.max = max;
        }

        void feed(byte[] buf, int n) {
            for (int i = 0; i < n && !done; i++) {
                byte b = buf[i];
                bytes++;
                if (b == '\n') {
                    if (lineLength == 0) {
                        done = true;
                    }
                    lineLength = 0;
                } else if (b != '\r') {
                    lineLength++;
                }
                if (bytes > max) {
                    throw new MessageParseException(
                            "the header section is larger than the limit of " + max + " bytes (Limits.maxHeaderBytes)");
                }
            }
        }
    }
}
