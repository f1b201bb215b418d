package dev.mailbridge.core.sync;

/**
 * What happens to a received message's original item once its {@code message.received} event was
 * delivered to every target. Whatever the action, an original whose event is dead at a target is moved
 * to the folder mapped to {@code FAILED} when there is one.
 */
public enum AfterDeliveryAction {
    /** Leave the original as it is. */
    NONE,
    /** Mark it read. */
    MARK_READ,
    /** Move it to the folder mapped to {@code PROCESSED}. */
    MOVE_TO_PROCESSED,
    /** Move it to Deleted Items (not a hard delete). */
    DELETE
}
