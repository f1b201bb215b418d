package dev.mailbridge.core.receive;

import dev.mailbridge.core.connect.MailboxAccess;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.Jdbc;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.sync.AfterDeliveryAction;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.DeleteItem;
import dev.mailbridge.ews.ops.MoveItem;
import dev.mailbridge.ews.ops.UpdateItem;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphException;
import dev.mailbridge.graph.GraphNotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The action on a received message's original once its delivery is durable: mark read, move to the
 * folder mapped to {@link FolderRole#PROCESSED}, or move to Deleted Items ({@link AfterDeliveryAction});
 * and, when its event is dead at any target, a move to the folder mapped to {@link FolderRole#FAILED}
 * (left alone when none is mapped).
 *
 * <p>{@link #register} writes one {@code after_delivery} row per message in the sync's transaction, next
 * to its outbox rows (same idempotency key), with the original's EWS item id. {@link #run} looks at the
 * rows still PENDING whose outbox rows are all DELIVERED, or of which one is DEAD, applies the action
 * through EWS and records the outcome: DONE (also when the item is already gone, ErrorItemNotFound),
 * FAILED with Exchange's code and message when Exchange refuses, or still PENDING (the error kept) when
 * the failure is transient, to be tried again on the next pass. The action is the mailbox's setting at
 * the time of the pass. A crash between the EWS call and the record repeats the call on the next pass:
 * harmless, since a moved or deleted original is then not found (done) and marking read is idempotent.
 * Passes of one mailbox must not run concurrently (the server holds the mailbox's sync lock).
 */
public final class AfterDelivery {
    /** What one pass did: actions applied (or nothing to do), refused for good, left for the next pass. */
    public record Result(int done, int failed, int retrying) {
        public static final Result NOTHING = new Result(0, 0, 0);
    }

    /** The recorded outcome for one message. */
    public record Outcome(
            UUID mailboxId,
            String idempotencyKey,
            String itemId,
            State state,
            Optional<String> action,
            int attempts,
            Optional<String> lastCode,
            Optional<String> lastError,
            Optional<Instant> doneAt) {}

    /** Where a message's action stands. */
    public enum State {
        PENDING,
        DONE,
        FAILED
    }

    /** Transient failures tried this many times before the row is FAILED for good. */
    static final int MAX_ATTEMPTS = 20;

    private static final int BATCH = 200;
    private static final String MOVE_TO_FAILED = "MOVE_TO_FAILED";
    private static final String LEFT = "LEFT";

    private final Stores stores;
    private final MailboxAccess access;
    private final ReceiveSettings settings;
    private final Jdbc jdbc;
    private final Clock clock;

    public AfterDelivery(Stores stores, MailboxAccess access, ReceiveSettings settings, Clock clock) {
        this.stores = stores;
        this.access = access;
        this.settings = settings;
        this.jdbc = stores.database().jdbc();
        this.clock = clock;
    }

    /** Records a message queued for delivery, in the caller's transaction; a second call does nothing. */
    public void register(UUID mailboxId, String idempotencyKey, String itemId) {
        register(mailboxId, idempotencyKey, itemId, null);
    }

    /**
     * Records a message that could not be processed (its {@code message.failed} key), in the caller's
     * transaction: the next pass moves its original to the folder mapped to FAILED at once, without waiting
     * for any delivery (left in place, recorded {@code LEFT}, when none is mapped).
     */
    public void registerFailed(UUID mailboxId, String idempotencyKey, String itemId) {
        register(mailboxId, idempotencyKey, itemId, MOVE_TO_FAILED);
    }

    private void register(UUID mailboxId, String idempotencyKey, String itemId, String presetAction) {
        jdbc.transaction(() -> {
            if (jdbc.count(
                            "SELECT COUNT(*) FROM after_delivery WHERE mailbox_id=? AND idempotency_key=?",
                            mailboxId,
                            idempotencyKey)
                    == 0) {
                jdbc.update(
                        "INSERT INTO after_delivery (mailbox_id, idempotency_key, item_id, created_at, state, "
                                + "action, attempts) VALUES (?,?,?,?,?,?,0)",
                        mailboxId,
                        idempotencyKey,
                        itemId,
                        clock.instant(),
                        State.PENDING.name(),
                        presetAction);
            }
            return null;
        });
    }

    public Optional<Outcome> outcome(UUID mailboxId, String idempotencyKey) {
        return jdbc.one(
                "SELECT mailbox_id, idempotency_key, item_id, state, action, attempts, last_code, last_error, "
                        + "done_at FROM after_delivery WHERE mailbox_id=? AND idempotency_key=?",
                rs -> new Outcome(
                        Jdbc.uuid(rs, "mailbox_id"),
                        rs.getString("idempotency_key"),
                        rs.getString("item_id"),
                        State.valueOf(rs.getString("state")),
                        Jdbc.optString(rs, "action"),
                        rs.getInt("attempts"),
                        Jdbc.optString(rs, "last_code"),
                        Jdbc.optString(rs, "last_error"),
                        Jdbc.optInstant(rs, "done_at")),
                mailboxId,
                idempotencyKey);
    }

    private record Ready(
            String key, String itemId, String preset, int attempts, long total, long delivered, long dead) {}

    /**
     * One pass for one mailbox: the messages whose delivery has settled get their action. Transient EWS
     * failures (and a sign-in that does not work) leave them for the next pass.
     */
    public Result run(UUID mailboxId) {
        List<Ready> ready = jdbc.query(
                "SELECT a.idempotency_key, a.item_id, a.action, a.attempts, a.created_at, COUNT(o.id) AS total, "
                        + "SUM(CASE WHEN o.state='DELIVERED' THEN 1 ELSE 0 END) AS delivered, "
                        + "SUM(CASE WHEN o.state='DEAD' THEN 1 ELSE 0 END) AS dead "
                        + "FROM after_delivery a LEFT JOIN outbox o ON o.idempotency_key=a.idempotency_key "
                        + "AND o.mailbox_id=a.mailbox_id AND o.event_type='message.received' "
                        + "WHERE a.mailbox_id=? AND a.state='PENDING' "
                        + "GROUP BY a.idempotency_key, a.item_id, a.action, a.attempts, a.created_at "
                        + "HAVING SUM(CASE WHEN o.state='DEAD' THEN 1 ELSE 0 END) > 0 "
                        + "OR SUM(CASE WHEN o.state='DELIVERED' THEN 1 ELSE 0 END) = COUNT(o.id) "
                        + "ORDER BY a.created_at, a.idempotency_key LIMIT ?",
                rs -> new Ready(
                        rs.getString("idempotency_key"),
                        rs.getString("item_id"),
                        rs.getString("action"),
                        rs.getInt("attempts"),
                        rs.getLong("total"),
                        rs.getLong("delivered"),
                        rs.getLong("dead")),
                mailboxId,
                BATCH);
        if (ready.isEmpty()) {
            return Result.NOTHING;
        }
        AfterDeliveryAction configured = settings.get(mailboxId)
                .map(ReceiveSettings.Setting::afterDelivery)
                .orElse(AfterDeliveryAction.NONE);
        List<FolderMapping> folders = stores.mailboxes().folders(mailboxId);
        Optional<String> processed = mapped(folders, FolderRole.PROCESSED);
        Optional<String> failedFolder = mapped(folders, FolderRole.FAILED);
        boolean graph = access.transport(mailboxId) == Transport.GRAPH;
        EwsClient ews = null;
        GraphClient graphClient = null;
        int done = 0;
        int failed = 0;
        int retrying = 0;
        for (Ready r : ready) {
            String action;
            if (MOVE_TO_FAILED.equals(r.preset()) || r.dead() > 0) {
                action = failedFolder.isPresent() ? MOVE_TO_FAILED : LEFT;
            } else if (r.total() == 0) {
                action = LEFT; // its targets were deleted with their outbox rows: nothing says it arrived
            } else if (configured == AfterDeliveryAction.MOVE_TO_PROCESSED && processed.isEmpty()) {
                finish(
                        mailboxId,
                        r,
                        State.FAILED,
                        configured.name(),
                        "NoProcessedFolder",
                        "No folder is mapped to Processed; map one or choose another action.");
                failed++;
                continue;
            } else {
                action = configured.name();
            }
            if (action.equals(LEFT) || action.equals(AfterDeliveryAction.NONE.name())) {
                finish(mailboxId, r, State.DONE, action, null, null);
                done++;
                continue;
            }
            try {
                if (graph) {
                    if (graphClient == null) {
                        graphClient = access.graph(mailboxId);
                    }
                    apply(graphClient, action, r.itemId(), processed, failedFolder);
                } else {
                    if (ews == null) {
                        ews = access.ews(mailboxId);
                    }
                    apply(ews, action, ItemId.of(r.itemId()), processed, failedFolder);
                }
                finish(mailboxId, r, State.DONE, action, null, null);
                done++;
            } catch (GraphNotFoundException e) {
                // Graph's 404 does not say whether the message or the destination folder is missing
                Optional<String> dest = action.equals(MOVE_TO_FAILED)
                        ? failedFolder
                        : action.equals("MOVE_TO_PROCESSED") ? processed : Optional.empty();
                if (dest.isPresent() && folderGone(graphClient, dest.get())) {
                    finish(
                            mailboxId,
                            r,
                            State.FAILED,
                            action,
                            e.code(),
                            "The folder mapped to " + (action.equals(MOVE_TO_FAILED) ? "Failed" : "Processed")
                                    + " no longer exists in the mailbox; map another folder.");
                    failed++;
                } else {
                    finish(mailboxId, r, State.DONE, action, e.code(), "the message is already gone");
                    done++;
                }
            } catch (GraphException e) {
                if (e.refusedForGood()) {
                    finish(mailboxId, r, State.FAILED, action, e.code(), text(e));
                    failed++;
                } else {
                    // throttling, a server error, a refused token: try again on the next pass
                    retrying += retry(mailboxId, r, action, e.code(), text(e));
                    failed += r.attempts() + 1 >= MAX_ATTEMPTS ? 1 : 0;
                }
            } catch (EwsResponseException e) {
                String code = e.responseCode().orElse("");
                if ("ErrorItemNotFound".equals(code)) {
                    finish(mailboxId, r, State.DONE, action, code, "the item is already gone");
                    done++;
                } else if (e.retryable()) {
                    retrying += retry(mailboxId, r, action, code, text(e));
                    failed += r.attempts() + 1 >= MAX_ATTEMPTS ? 1 : 0;
                } else {
                    finish(mailboxId, r, State.FAILED, action, code, text(e));
                    failed++;
                }
            } catch (EwsException e) {
                // throttling, transport, a refused sign-in: try again on the next pass
                retrying += retry(mailboxId, r, action, e.responseCode().orElse(null), text(e));
                failed += r.attempts() + 1 >= MAX_ATTEMPTS ? 1 : 0;
            } catch (RuntimeException e) {
                // the mailbox cannot be reached now (sign-in, settings): the rest would fail alike
                retry(mailboxId, r, action, null, text(e));
                retrying += ready.size() - done - failed;
                break;
            }
        }
        return new Result(done, failed, retrying);
    }

    private static void apply(
            EwsClient ews, String action, ItemId item, Optional<String> processed, Optional<String> failedFolder) {
        switch (action) {
            case "MARK_READ" -> ews.execute(UpdateItem.markRead(item, true)).single();
            case "MOVE_TO_PROCESSED" ->
                ews.execute(MoveItem.of(item, FolderId.of(processed.orElseThrow())))
                        .single();
            case "DELETE" -> ews.execute(DeleteItem.toDeletedItems(item)).single();
            case MOVE_TO_FAILED ->
                ews.execute(MoveItem.of(item, FolderId.of(failedFolder.orElseThrow())))
                        .single();
            default -> throw new IllegalStateException("unknown after-delivery action " + action);
        }
    }

    /** The Graph twin of {@link #apply(EwsClient, String, ItemId, Optional, Optional)}; DELETE moves to Deleted Items. */
    private static void apply(
            GraphClient graph, String action, String id, Optional<String> processed, Optional<String> failedFolder) {
        switch (action) {
            case "MARK_READ" -> graph.markRead(id, true);
            case "MOVE_TO_PROCESSED" -> graph.move(id, processed.orElseThrow());
            case "DELETE" -> graph.delete(id);
            case MOVE_TO_FAILED -> graph.move(id, failedFolder.orElseThrow());
            default -> throw new IllegalStateException("unknown after-delivery action " + action);
        }
    }

    private static boolean folderGone(GraphClient graph, String folderId) {
        try {
            graph.folder(folderId);
            return false;
        } catch (GraphNotFoundException e) {
            return true;
        }
    }

    private void finish(UUID mailboxId, Ready r, State state, String action, String code, String error) {
        jdbc.update(
                "UPDATE after_delivery SET state=?, action=?, attempts=attempts+?, last_code=?, last_error=?, "
                        + "done_at=? WHERE mailbox_id=? AND idempotency_key=? AND state='PENDING'",
                state.name(),
                action,
                isApplied(action) ? 1 : 0,
                code,
                error,
                clock.instant(),
                mailboxId,
                r.key());
    }

    /** Records a transient failure; FAILED once the attempts ran out. Returns 1 if it stays PENDING. */
    private int retry(UUID mailboxId, Ready r, String action, String code, String error) {
        boolean last = r.attempts() + 1 >= MAX_ATTEMPTS;
        jdbc.update(
                "UPDATE after_delivery SET state=?, action=?, attempts=attempts+1, last_code=?, last_error=?, "
                        + "done_at=? WHERE mailbox_id=? AND idempotency_key=? AND state='PENDING'",
                last ? State.FAILED.name() : State.PENDING.name(),
                action,
                code,
                error,
                last ? clock.instant() : null,
                mailboxId,
                r.key());
        return last ? 0 : 1;
    }

    private static boolean isApplied(String action) {
        return !action.equals(LEFT) && !action.equals(AfterDeliveryAction.NONE.name());
    }

    private static Optional<String> mapped(List<FolderMapping> folders, FolderRole role) {
        return folders.stream()
                .filter(f -> f.role() == role)
                .map(FolderMapping::folderId)
                .findFirst();
    }

    private static String text(RuntimeException e) {
        String t = e instanceof EwsException x
                ? x.messageText().orElse(x.plainMessage())
                : e instanceof GraphException g && g.graphMessage() != null
                        ? g.graphMessage()
                        : (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        return t.length() <= 2000 ? t : t.substring(0, 2000);
    }
}
