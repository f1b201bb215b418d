package dev.mailbridge.core.deliver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The JSON every target receives, the same bytes on every attempt:
 *
 * <pre>{@code
 * {"id":"<idempotency key>","type":"message.received","created_at":"2025-01-31T09:00:00.123Z",
 *  "mailbox_id":"<uuid or null>","data":{...the event's payload...}}
 * }</pre>
 */
public final class Envelope {
    private static final JsonFactory JSON = new JsonFactory();

    private Envelope() {}

    public static String of(OutboxEntry entry) {
        StringWriter out = new StringWriter(entry.payload().length() + 256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", entry.idempotencyKey());
            g.writeStringField("type", entry.eventType().wireName());
            g.writeStringField("created_at", entry.createdAt().toString());
            if (entry.mailboxId().isPresent()) {
                g.writeStringField("mailbox_id", entry.mailboxId().get().toString());
            } else {
                g.writeNullField("mailbox_id");
            }
            g.writeFieldName("data");
            g.writeRawValue(entry.payload().strip());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
