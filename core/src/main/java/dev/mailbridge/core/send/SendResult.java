package dev.mailbridge.core.send;

import java.time.Instant;
import java.util.UUID;

/**
 * A message handed to Exchange. {@code sendId} is also the value of the {@code X-Mailbridge-Sent} header and
 * part of the {@code message.sent} event's idempotency key.
 */
public record SendResult(String sendId, UUID mailboxId, String messageId, Instant sentAt, String eventKey) {}
