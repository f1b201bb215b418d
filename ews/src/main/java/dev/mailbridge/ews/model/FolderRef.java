package dev.mailbridge.ews.model;

import java.util.Objects;

/** A folder named either by its ID or as a well-known (distinguished) folder, optionally in another mailbox. */
public sealed interface FolderRef permits FolderId, FolderRef.Distinguished {

    static FolderRef inbox() {
        return DistinguishedFolder.INBOX.ref();
    }

    /** A distinguished folder such as inbox, optionally of a mailbox other than the caller's (delegate access). */
    record Distinguished(DistinguishedFolder folder, String mailbox) implements FolderRef {
        public Distinguished {
            Objects.requireNonNull(folder, "folder");
        }
    }
}
