package dev.mailbridge.core.sync;

import dev.mailbridge.core.store.Jdbc;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Sync states per mailbox folder and the items already handed on. Joins the caller's transaction. */
final class SyncStore {
    private final Jdbc jdbc;
    private final Clock clock;

    SyncStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    record FolderSync(
            Optional<String> syncState, Optional<Instant> lastSyncAt, Optional<String> lastError, long received) {}

    Optional<FolderSync> get(UUID mailbox, String folder) {
        return jdbc.one(
                "SELECT sync_state, last_sync_at, last_error, received_count FROM mailbox_sync "
                        + "WHERE mailbox_id=? AND folder_id=?",
                rs -> new FolderSync(
                        Jdbc.optString(rs, "sync_state"),
                        Jdbc.optInstant(rs, "last_sync_at"),
                        Jdbc.optString(rs, "last_error"),
                        rs.getLong("received_count")),
                mailbox,
                folder);
    }

    /** Saves the state reached and counts what was handed on, in the caller's transaction. */
    void saveState(UUID mailbox, String folder, String state, int received) {
        Instant now = clock.instant();
        if (jdbc.update(
                        "UPDATE mailbox_sync SET sync_state=?, last_sync_at=?, last_error=NULL, "
                                + "received_count = received_count + ? WHERE mailbox_id=? AND folder_id=?",
                        state,
                        now,
                        received,
                        mailbox,
                        folder)
                == 0) {
            jdbc.update(
                    "INSERT INTO mailbox_sync (mailbox_id, folder_id, sync_state, last_sync_at, received_count) "
                            + "VALUES (?,?,?,?,?)",
                    mailbox,
                    folder,
                    state,
                    now,
                    received);
        }
    }

    void recordError(UUID mailbox, String folder, String error) {
        if (jdbc.update(
                        "UPDATE mailbox_sync SET last_error=? WHERE mailbox_id=? AND folder_id=?",
                        error,
                        mailbox,
                        folder)
                == 0) {
            jdbc.update(
                    "INSERT INTO mailbox_sync (mailbox_id, folder_id, last_error, received_count) VALUES (?,?,?,0)",
                    mailbox,
                    folder,
                    error);
        }
    }

    boolean alreadyReceived(UUID mailbox, String itemKey) {
        return jdbc.count("SELECT COUNT(*) FROM received_item WHERE mailbox_id=? AND item_key=?", mailbox, itemKey) > 0;
    }

    void markReceived(UUID mailbox, String itemKey) {
        jdbc.update(
                "INSERT INTO received_item (mailbox_id, item_key, received_at) VALUES (?,?,?)",
                mailbox,
                itemKey,
                clock.instant());
    }
}
