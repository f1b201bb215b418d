package dev.mailbridge.ews.model;

import java.util.Objects;

/** A folder's ID (immutable, also across renames and moves) and change key. */
public record FolderId(String id, String changeKey) implements FolderRef {
    public FolderId {
        Objects.requireNonNull(id, "id");
    }

    public static FolderId of(String id) {
        return new FolderId(id, null);
    }
}
