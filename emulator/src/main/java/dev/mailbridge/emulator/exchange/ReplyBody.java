package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.MimeContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A SOAP body made of XML text and MIME contents whose base64 goes out as the bytes the store keeps
 * ({@link MimeContent#base64()}), never through a String. Built under the store's lock (it only holds
 * references to immutable MIME arrays); {@link #toBytes} runs after the lock is released.
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

    /** {@code prefix}, the body and {@code suffix}, UTF-8, in one array. */
    byte[] toBytes(String prefix, String suffix) {
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
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return out;
    }
}
