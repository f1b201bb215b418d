package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.MimeContent;
import dev.mailbridge.emulator.server.Responses;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * A SOAP body made of XML text and MIME contents whose base64 goes out as the bytes the store keeps
 * ({@link MimeContent#base64()}), never through a String. Built under the store's lock (it only holds
 * references to immutable MIME arrays); {@link #send} runs after the lock is released.
 */
final class ReplyBody {
    private final List<Object> parts = new ArrayList<>();
    private final StringBuilder text = new StringBuilder(1024);

    /** Where XML text is appended. */
    StringBuilder text() {
        return text;
    }

    /** The base64 of {@code mime} at this point of the text (no line breaks, as Exchange writes it). */
    void mime(MimeContent mime) {
        flush();
        parts.add(mime);
    }

    private void flush() {
        if (!text.isEmpty()) {
            parts.add(text.toString());
            text.setLength(0);
        }
    }

    /**
     * Writes {@code prefix}, the body and {@code suffix} (UTF-8) as one response, copied into one buffer
     * from Jetty's pool: a GetItem answer of ten messages is about 200 KB, and allocating (and zeroing)
     * a fresh array of that size per request was a fifth of the emulator's CPU in the sync benchmark.
     */
    void send(Request request, Response response, Callback callback, String prefix, String suffix) {
        flush();
        byte[][] chunks = new byte[parts.size() + 2][];
        chunks[0] = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < parts.size(); i++) {
            Object p = parts.get(i);
            chunks[i + 1] = p instanceof MimeContent m ? m.base64() : ((String) p).getBytes(StandardCharsets.UTF_8);
        }
        chunks[chunks.length - 1] = suffix.getBytes(StandardCharsets.UTF_8);
        int total = 0;
        for (byte[] c : chunks) {
            total = Math.addExact(total, c.length);
        }
        RetainableByteBuffer pooled =
                request.getComponents().getByteBufferPool().acquire(total, false);
        ByteBuffer out = pooled.getByteBuffer();
        BufferUtil.clearToFill(out);
        for (byte[] c : chunks) {
            out.put(c);
        }
        BufferUtil.flipToFlush(out, 0);
        Responses.head(response, 200, "text/xml; charset=utf-8", total);
        response.write(true, out, Callback.from(callback, pooled::release));
    }
}
