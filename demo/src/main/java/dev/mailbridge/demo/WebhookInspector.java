package dev.mailbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.core.deliver.DeliveryTarget;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.WebhookSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The demo's webhook receiver: what a help desk would run. It checks each request's signature with the
 * demo target's secret (as any receiver must, before trusting the body) and keeps the events, newest first,
 * also in {@code inspector.jsonl} so a restarted demo still shows them.
 */
public final class WebhookInspector {
    /** The delivery target the demo creates for the inspector. */
    static final String TARGET_NAME = "Demo webhook inspector";

    static final String PATH = "/demo/webhook";
    static final int KEEP = 200;
    /** Signatures older than this are refused, as in the receivers the API documentation describes. */
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One request as received.
     *
     * @param number its position since the demo's first start (1, 2, ...)
     * @param signatureValid whether {@code Mailbridge-Signature} matched the body and the target's secret
     * @param body the raw body (the event envelope's JSON)
     */
    public record Event(
            long number,
            Instant receivedAt,
            String type,
            String idempotencyKey,
            String deliveryId,
            boolean signatureValid,
            String body) {

        /** The body indented, or as received when it is not JSON. */
        public String prettyJson() {
            try {
                return PRETTY.writeValueAsString(JSON.readTree(body));
            } catch (IOException e) {
                return body;
            }
        }

        /** The envelope's {@code data}, or empty when the body is not JSON. */
        public JsonNode data() {
            try {
                return JSON.readTree(body).path("data");
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }

        public Optional<UUID> mailboxId() {
            try {
                JsonNode id = JSON.readTree(body).path("mailbox_id");
                return id.isTextual() ? Optional.of(UUID.fromString(id.asText())) : Optional.empty();
            } catch (IOException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        /** One line for the list: the subject for messages, else the first fields of the payload. */
        public String summary() {
            JsonNode d = data();
            String subject = d.path("subject").asText("");
            String from = d.path("from").path("address").asText("");
            if (!subject.isEmpty() || !from.isEmpty()) {
                return (from.isEmpty() ? "" : from + ": ") + subject;
            }
            String text = d.toString();
            return text.length() > 120 ? text.substring(0, 120) + "..." : text;
        }
    }

    private final DeliveryTargetStore targets;
    private final Path file;
    private final Deque<Event> events = new ArrayDeque<>();
    private long count;

    WebhookInspector(DeliveryTargetStore targets, Path file) {
        this.targets = targets;
        this.file = file;
        load();
    }

    /** Records one request; answers whether its signature was valid. */
    synchronized Event receive(String type, String idempotencyKey, String deliveryId, String signature, byte[] body) {
        boolean valid = target().flatMap(t -> targets.secret(t.id()))
                .map(secret -> WebhookSignature.verify(secret.reveal(), signature, body, TOLERANCE))
                .orElse(false);
        Event e = new Event(
                ++count,
                Instant.now(),
                type == null ? "(no Mailbridge-Event header)" : type,
                idempotencyKey,
                deliveryId,
                valid,
                new String(body, StandardCharsets.UTF_8));
        events.addFirst(e);
        while (events.size() > KEEP) {
            events.removeLast();
        }
        append(e);
        return e;
    }

    synchronized List<Event> events() {
        return new ArrayList<>(events);
    }

    synchronized Optional<Event> event(long number) {
        return events.stream().filter(e -> e.number() == number).findFirst();
    }

    synchronized boolean any(String type) {
        return events.stream().anyMatch(e -> e.type().equals(type) && e.signatureValid());
    }

    Optional<DeliveryTarget> target() {
        return targets.list().stream().filter(t -> t.name().equals(TARGET_NAME)).findFirst();
    }

    private void append(Event e) {
        ObjectNode line = JSON.createObjectNode();
        line.put("number", e.number());
        line.put("receivedAt", e.receivedAt().toString());
        line.put("type", e.type());
        line.put("idempotencyKey", e.idempotencyKey());
        line.put("deliveryId", e.deliveryId());
        line.put("signatureValid", e.signatureValid());
        line.put("body", e.body());
        try {
            Files.writeString(
                    file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() > 2 * KEEP) {
                // Only the last KEEP are shown: keep the file from growing run after run.
                lines = new ArrayList<>(lines.subList(lines.size() - KEEP, lines.size()));
                Files.write(file, lines, StandardCharsets.UTF_8);
            }
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                Event e = new Event(
                        n.path("number").asLong(),
                        Instant.parse(n.path("receivedAt").asText()),
                        n.path("type").asText(),
                        n.path("idempotencyKey").asText(null),
                        n.path("deliveryId").asText(null),
                        n.path("signatureValid").asBoolean(),
                        n.path("body").asText());
                events.addFirst(e);
                count = Math.max(count, e.number());
                while (events.size() > KEEP) {
                    events.removeLast();
                }
            }
        } catch (IOException | RuntimeException e) {
            // a damaged history only costs the old events; the inspector keeps working
            events.clear();
        }
    }
}
