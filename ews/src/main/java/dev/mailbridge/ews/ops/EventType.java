package dev.mailbridge.ews.ops;

/** Events one can subscribe to. */
public enum EventType {
    NEW_MAIL("NewMailEvent"),
    CREATED("CreatedEvent"),
    DELETED("DeletedEvent"),
    MODIFIED("ModifiedEvent"),
    MOVED("MovedEvent"),
    COPIED("CopiedEvent"),
    FREE_BUSY_CHANGED("FreeBusyChangedEvent");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The events a mail sync needs. */
    public static java.util.List<EventType> mail() {
        return java.util.List.of(NEW_MAIL, CREATED, DELETED, MODIFIED, MOVED, COPIED);
    }
}
