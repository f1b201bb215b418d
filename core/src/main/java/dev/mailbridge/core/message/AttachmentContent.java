package dev.mailbridge.core.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The decoded content of one attachment, read from the message's MIME again ({@link
 * MimeParser#openAttachment}): the content is streamed from the spooled message, never held whole in
 * memory. Close it to release the spool (a temporary file for large messages).
 *
 * <pre>{@code
 * try (AttachmentContent a = parser.openAttachment(mime, 2)) {
 *     response.setContentType(a.contentType());
 *     a.transferTo(response.getOutputStream());
 * }
 * }</pre>
 */
public final class AttachmentContent implements AutoCloseable {
    private final int index;
    private final String filename;
    private final String contentType;
    private final String contentId;
    private final boolean inline;
    private final InputStream stream;
    private final AutoCloseable spool;

    AttachmentContent(
            int index,
            String filename,
            String contentType,
            String contentId,
            boolean inline,
            InputStream stream,
            AutoCloseable spool) {
        this.index = index;
        this.filename = filename;
        this.contentType = contentType;
        this.contentId = contentId;
        this.inline = inline;
        this.stream = stream;
        this.spool = spool;
    }

    public int index() {
        return index;
    }

    /** As in {@link AttachmentInfo#filename()}; may be {@code null}. */
    public String filename() {
        return filename;
    }

    public String contentType() {
        return contentType;
    }

    public String contentId() {
        return contentId;
    }

    public boolean inline() {
        return inline;
    }

    /** The decoded content; read it once. Closing this {@code AttachmentContent} closes it. */
    public InputStream stream() {
        return stream;
    }

    /** Copies the decoded content to {@code out} and returns the number of bytes. */
    public long transferTo(OutputStream out) throws IOException {
        try {
            return stream.transferTo(out);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            stream.close();
        } finally {
            try {
                spool.close();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }
}
