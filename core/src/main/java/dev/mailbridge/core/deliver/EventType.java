package dev.mailbridge.core.deliver;

import java.util.Arrays;
import java.util.Optional;

/** The events Mailbridge delivers, with their names on the wire ({@code type}, routing keys, headers). */
public enum EventType {
    MESSAGE_RECEIVED("message.received"),
    MESSAGE_SENT("message.sent"),
    MESSAGE_FAILED("message.failed"),
    MAILBOX_AUTH_EXPIRING("mailbox.auth_expiring"),
    MAILBOX_AUTH_FAILED("mailbox.auth_failed"),
    MAILBOX_CONNECTION_FAILED("mailbox.connection_failed");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** For example {@code message.received}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return wireName;
    }
}
