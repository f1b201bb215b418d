package dev.mailbridge.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a notification receiver needs: the validation handshake (Graph POSTs {@code ?validationToken=...};
 * answer 200, {@code text/plain}, the decoded token as the body, within 10 s) and the parsing of change and
 * lifecycle notifications. Check {@link Notification#clientStateMatches} before trusting one: anyone can
 * POST to a public URL.
 */
public final class GraphNotifications {
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private GraphNotifications() {}

    /** The decoded {@code validationToken} of a request's raw query string, if it is a handshake. */
    public static Optional<String> validationToken(String rawQuery) {
        if (rawQuery == null) {
            return Optional.empty();
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("validationToken")) {
                return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** A change notification ({@code changeType} set) or a lifecycle notification ({@code lifecycleEvent} set). */
    public record Notification(
            String subscriptionId,
            String changeType,
            String lifecycleEvent,
            String resource,
            String messageId,
            String clientState,
            String tenantId) {

        public boolean lifecycle() {
            return lifecycleEvent != null;
        }

        /** Constant-time comparison with the clientState the subscription was created with. */
        public boolean clientStateMatches(String expected) {
            return clientState != null
                    && expected != null
                    && MessageDigest.isEqual(
                            clientState.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Parses a notification POST body ({@code {"value": [...]}}; one or many notifications). */
    public static List<Notification> parse(InputStream body) {
        JsonNode root;
        try {
            root = GraphClient.JSON.readTree(body.readNBytes(MAX_BODY));
        } catch (IOException e) {
            throw new UncheckedIOException("The notification body is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.path("value").isArray()) {
            throw new IllegalArgumentException(
                    "The notification body has no \"value\" array: not a Graph notification.");
        }
        List<Notification> out = new ArrayList<>();
        for (JsonNode n : root.path("value")) {
            out.add(new Notification(
                    GraphErrors.textOrNull(n.get("subscriptionId")),
                    GraphErrors.textOrNull(n.get("changeType")),
                    GraphErrors.textOrNull(n.get("lifecycleEvent")),
                    GraphErrors.textOrNull(n.get("resource")),
                    GraphErrors.textOrNull(n.path("resourceData").get("id")),
                    GraphErrors.textOrNull(n.get("clientState")),
                    GraphErrors.textOrNull(n.get("tenantId"))));
        }
        return List.copyOf(out);
    }
}
