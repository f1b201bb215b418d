package dev.mailbridge.core.model;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A mailbox of a connection and where its sign-in stands. Its refresh token (delegated mode) stays
 * sealed in the store; {@code hasRefreshToken} says whether there is one.
 */
public record Mailbox(
        UUID id,
        UUID connectionId,
        String address,
        Optional<UUID> ownerUserId,
        MailboxStatus status,
        Optional<String> statusCode,
        Optional<String> statusMessage,
        Instant statusSince,
        boolean hasRefreshToken,
        Optional<String> signedInAs,
        Optional<Instant> authorizedAt,
        Optional<Integer> authorizedGeneration,
        Optional<Instant> lastRefreshAt,
        Optional<Instant> accessExpiresAt,
        Instant createdAt) {}
