package dev.mailbridge.ews;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body written once and sent possibly several times (retries): in memory up to a threshold,
 * then in a temporary file, so a 150 MB MIME upload never sits in the heap.
 */
final class Spool extends OutputStream implements AutoCloseable {
    private static final int MEMORY_LIMIT = 4 * 1024 * 1024;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(4096);
    private Path file;
    private OutputStream fileOut;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && memory.size() + len > MEMORY_LIMIT) {
            file = Files.createTempFile("mailbridge-ews-", ".xml");
            fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
            memory.writeTo(fileOut);
            memory = null;
        }
        if (fileOut != null) {
            fileOut.write(b, off, len);
        } else {
            memory.write(b, off, len);
        }
    }

    void finish() {
        if (fileOut != null) {
            try {
                fileOut.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    HttpRequest.BodyPublisher publisher() {
        if (file != null) {
            try {
                return HttpRequest.BodyPublishers.ofFile(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return HttpRequest.BodyPublishers.ofByteArray(memory.toByteArray());
    }

    byte[] bytes() {
        if (file != null) {
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return memory.toByteArray();
    }

    InputStream open() throws IOException {
        return file != null ? Files.newInputStream(file) : new java.io.ByteArrayInputStream(memory.toByteArray());
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // temp file left behind; nothing secret in it beyond the message itself
            }
        }
    }
}
