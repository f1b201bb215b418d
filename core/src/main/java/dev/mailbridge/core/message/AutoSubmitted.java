package dev.mailbridge.core.message;

/**
 * Whether a message was sent by a program rather than a person, from its headers (see {@link
 * MimeParser} for the exact signals and their precedence). The rules' loop protection skips {@link
 * #AUTO_REPLY}, {@link #BOUNCE} and {@link #AUTO_GENERATED} unless a rule allows automatic mail; a
 * {@link #LIST} message is delivered like a personal one.
 */
public enum AutoSubmitted {
    /** No sign of automation: a person wrote it. */
    NONE("personal mail"),
    /** An out-of-office or other automatic reply (RFC 3834 {@code auto-replied}). */
    AUTO_REPLY("auto-reply"),
    /** A non-delivery report or other delivery status notification. */
    BOUNCE("bounce"),
    /** Sent by a program: notifications, read receipts, bulk mail (RFC 3834 {@code auto-generated}). */
    AUTO_GENERATED("automatic message"),
    /** Distributed by a mailing list ({@code List-Id}, {@code List-Unsubscribe}, {@code Precedence: list}). */
    LIST("mailing-list message");

    private final String description;

    AutoSubmitted(String description) {
        this.description = description;
    }

    /** A few words for people: {@code auto-reply}, {@code bounce}... */
    public String description() {
        return description;
    }

    /** Whether loop protection skips it: an auto-reply, a bounce or an automatic message. */
    public boolean isAutomatic() {
        return this == AUTO_REPLY || this == BOUNCE || this == AUTO_GENERATED;
    }
}
