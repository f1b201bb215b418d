package dev.mailbridge.identity.entra;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/** Reads a JSON object into maps and lists, with MSAL's own JSON library. */
final class Json {
    private Json() {}

    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> object(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = JsonProviders.createReader(text)) {
            reader.nextToken();
            Object value = reader.readUntyped();
            return value instanceof Map<?, ?> map ? Optional.of((Map<String, Object>) map) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not JSON (an HTML error page from a proxy, say)
        }
    }
}
