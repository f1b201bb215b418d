package dev.mailbridge.core.deliver;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event to deliver: its type, the idempotency key that identifies it on every attempt, the mailbox it is
 * about (if any) and its JSON {@code data}, opaque to the outbox.
 *
 * @param idempotencyKey stable for the same event: the same message, event and mailbox give the same key,
 *     so a re-sync that finds the message again enqueues nothing new. Printable ASCII, at most 200
 *     characters; {@link #keyOf} derives one from any parts.
 */
public record OutboxEvent(EventType type, String idempotencyKey, Optional<UUID> mailboxId, String payloadJson) {
    public static final int MAX_KEY = 200;

    public OutboxEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(mailboxId, "mailboxId");
        Objects.requireNonNull(payloadJson, "payloadJson");
        if (idempotencyKey == null
                || idempotencyKey.isBlank()
                || idempotencyKey.length() > MAX_KEY
                || !idempotencyKey.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "an idempotency key must be 1 to " + MAX_KEY + " printable ASCII characters without spaces");
        }
    }

    public static OutboxEvent of(EventType type, String idempotencyKey, UUID mailboxId, String payloadJson) {
        return new OutboxEvent(type, idempotencyKey, Optional.ofNullable(mailboxId), payloadJson);
    }

    /**
     * A stable key from the parts that identify an event, for example the event type, the mailbox id and the
     * message's Internet Message-ID or item id: {@code mb_} and a base64url SHA-256 of the parts (so long EWS
     * item ids fit, and the key reveals nothing of them).
     */
    public static String keyOf(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = Objects.requireNonNull(p, "part").getBytes(StandardCharsets.UTF_8);
                // length-prefixed, so ("ab","c") and ("a","bc") differ
                sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(b);
            }
            return "mb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JDK", e);
        }
    }
}
