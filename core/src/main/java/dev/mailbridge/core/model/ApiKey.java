package dev.mailbridge.core.model;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * An API key as stored: its public prefix and a hash of the whole key, never the key itself.
 *
 * @param prefix the key's first characters (shown in lists so people can tell keys apart)
 */
public record ApiKey(
        UUID id,
        String name,
        String prefix,
        String keyHash,
        Set<Scope> scopes,
        String createdBy,
        Instant createdAt,
        Optional<Instant> lastUsedAt,
        Optional<Instant> revokedAt) {

    public enum Scope {
        /** Read organisations, connections, mailboxes, history. */
        READ,
        /** Create and change them, authorize, test. */
        WRITE,
        /** Manage users, API keys and settings. */
        ADMIN
    }

    public boolean active() {
        return revokedAt.isEmpty();
    }
}
