package dev.mailbridge.ews.model;

import java.util.Objects;

/**
 * An item's ID (opaque, case-sensitive, up to ~512 bytes; changes when the item is moved) and its
 * change key (optimistic-concurrency token; null when Exchange did not send one).
 */
public record ItemId(String id, String changeKey) {
    public ItemId {
        Objects.requireNonNull(id, "id");
    }

    public static ItemId of(String id) {
        return new ItemId(id, null);
    }
}
