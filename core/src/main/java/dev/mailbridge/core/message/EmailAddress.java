package dev.mailbridge.core.message;

import java.util.Objects;

/**
 * One mailbox of an address header: the decoded display name ({@code null} when there is none) and
 * the address as written (not lower-cased; compare addresses case-insensitively).
 */
public record EmailAddress(String name, String address) {
    public EmailAddress {
        Objects.requireNonNull(address, "address");
        if (name != null && name.isBlank()) {
            name = null;
        }
    }

    public static EmailAddress of(String address) {
        return new EmailAddress(null, address);
    }

    /** The part after the last {@code @}, lower-cased; empty when the address has none. */
    public String domain() {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code Name <address>}, or the bare address. */
    @Override
    public String toString() {
        return name == null ? address : name + " <" + address + ">";
    }
}
