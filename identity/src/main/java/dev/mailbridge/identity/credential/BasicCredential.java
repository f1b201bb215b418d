package dev.mailbridge.identity.credential;

import dev.mailbridge.identity.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * User name and password for Exchange Server (on-premises), which still speaks Basic (or NTLM) on EWS.
 * {@code impersonatedMailbox} is the SMTP address a service account acts for through EWS
 * ExchangeImpersonation; empty when the account reads its own mailbox.
 */
public record BasicCredential(String username, Secret password, Optional<String> impersonatedMailbox) {
    public BasicCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        impersonatedMailbox = Objects.requireNonNull(impersonatedMailbox).filter(m -> !m.isBlank());
        if (username.isBlank()) {
            throw new IllegalArgumentException("The user name is empty");
        }
        if (username.indexOf(':') >= 0) {
            // RFC 7617: the user-id of Basic cannot contain a colon.
            throw new IllegalArgumentException("A Basic user name cannot contain ':'");
        }
    }

    public static BasicCredential of(String username, Secret password) {
        return new BasicCredential(username, password, Optional.empty());
    }

    public BasicCredential impersonating(String mailbox) {
        return new BasicCredential(username, password, Optional.of(mailbox));
    }
}
