package dev.mailbridge.core.model;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One entry in a connection's or mailbox's history.
 *
 * @param code the AADSTS code ({@code AADSTS700082}), EWS ResponseCode or HTTP status, when there is one
 * @param detail the full text Microsoft sent (Entra's error_description, EWS MessageText), never a secret
 */
public record HistoryEvent(
        long id,
        UUID connectionId,
        Optional<UUID> mailboxId,
        Instant at,
        Kind kind,
        Outcome outcome,
        Optional<String> code,
        String message,
        Optional<String> detail,
        Optional<String> traceId,
        Optional<String> correlationId) {

    public enum Kind {
        CREATED,
        CHANGED,
        AUTHORIZED,
        AUTHORIZATION_FAILED,
        REFRESHED,
        REFRESH_FAILED,
        TEST,
        INVALIDATED
    }

    public enum Outcome {
        OK,
        WARNING,
        FAILED
    }
}
