package dev.mailbridge.core.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The message JSON of events ({@code message.received}) and the API: {@link ReceivedMessage} with its
 * component names in camelCase ({@code messageId}, {@code inReplyTo}, {@code replyTo}, {@code
 * autoSubmitted}...), in the record's order; dates in ISO-8601 with the sender's offset ({@code
 * 2024-03-05T09:15:00+01:00}); enums by name ({@code AUTO_REPLY}); absent values as {@code null}, absent
 * lists as {@code []}. Reading ignores unknown fields, so a newer producer's JSON stays readable.
 */
public final class MessageJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private MessageJson() {}

    public static String write(ReceivedMessage message) {
        try {
            return MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writeBytes(ReceivedMessage message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException the text is not message JSON */
    public static ReceivedMessage read(String json) {
        try {
            return MAPPER.readValue(json, ReceivedMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not message JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** @throws IllegalArgumentException the bytes are not message JSON */
    public static ReceivedMessage read(byte[] json) {
        try {
            return MAPPER.readValue(json, ReceivedMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not message JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the configured mapper, for embedding message JSON in larger documents. */
    public static ObjectMapper mapper() {
        return MAPPER.copy();
    }
}
