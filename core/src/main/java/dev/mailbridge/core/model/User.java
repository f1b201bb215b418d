package dev.mailbridge.core.model;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A person who signs in to Mailbridge. Admins manage everything; mailbox owners see and authorize only
 * their own mailbox. The password hash is the server's (Spring Security's encoded form).
 */
public record User(
        UUID id,
        String username,
        Optional<String> passwordHash,
        Role role,
        Optional<String> mailboxAddress,
        boolean disabled,
        Instant createdAt) {

    public enum Role {
        ADMIN,
        OWNER
    }
}
