package dev.mailbridge.core.sync;

import dev.mailbridge.core.connect.MailboxAccess;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemChange;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.ItemSync;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Incremental sync of a mailbox's incoming folder (the folder mapped to {@link FolderRole#INCOMING},
 * the inbox when none is): SyncFolderItems from the stored state, new items' MIME downloaded, then in
 * one transaction per page each new message handed to the {@link MessageSink}, recorded as received,
 * and the new sync state saved. A crash before the commit repeats the page; a crash after it repeats
 * nothing. When Exchange refuses the stored state, a full resync follows and the received-items record
 * keeps it from handing anything on twice.
 */
public final class MailboxSync {
    /**
     * What one pass did.
     *
     * @param failed new messages that could not be handed on (Exchange refused their content, or the sink
     *     rejected them): given to {@link MessageSink#failed} instead, and not tried again
     */
    public record Result(int newMessages, int alreadyReceived, int pages, boolean restarted, int failed) {}

    /** GetItem's answer for an item deleted or moved away since it was listed: nothing to hand on. */
    private static final String GONE = "ErrorItemNotFound";

    /**
     * Where a mailbox's sync of its current incoming folder stands.
     *
     * @param lastSyncAt the end of the last successful pass
     * @param lastError the reason the last pass failed; empty once a pass succeeded again
     * @param receivedCount messages handed on so far
     */
    public record SyncStatus(
            UUID mailboxId,
            String folder,
            Optional<Instant> lastSyncAt,
            Optional<String> lastError,
            long receivedCount) {}

    private final Stores stores;
    private final MailboxAccess access;
    private final SyncStore syncs;

    public MailboxSync(Stores stores, MailboxAccess access, Clock clock) {
        this.stores = stores;
        this.access = access;
        this.syncs = new SyncStore(stores.database().jdbc(), clock);
    }

    /**
     * One pass over the mailbox's incoming folder.
     *
     * @param startFromNow on the first pass (no stored state), record what is already there as received
     *     without handing it on: only mail arriving from now is delivered
     */
    public Result syncOnce(UUID mailboxId, MessageSink sink, boolean startFromNow) {
        Mailbox m = stores.mailboxes().get(mailboxId).orElseThrow(() -> new NotFoundException("mailbox", mailboxId));
        Incoming incoming = incoming(stores, m.id());
        FolderRef folder = incoming.folder();
        String folderKey = incoming.key();
        var stored = syncs.get(m.id(), folderKey);
        String state = stored.flatMap(SyncStore.FolderSync::syncState).orElse(null);
        boolean deliver = !(startFromNow && state == null);
        int[] counts = new int[3];
        try {
            EwsClient ews = access.ews(m.id());
            ItemSync.Result r = ItemSync.run(ews, folder, state, (changes, newState) -> {
                Map<String, EwsResponseException> refused = new LinkedHashMap<>();
                Map<String, Path> downloaded = deliver ? download(ews, m, changes, refused) : Map.of();
                try {
                    stores.database().jdbc().transaction(() -> {
                        int handed = 0;
                        for (ItemChange c : changes) {
                            if (!(c instanceof ItemChange.Create) || c.itemId() == null) {
                                continue;
                            }
                            String key = c.itemId().id();
                            if (syncs.alreadyReceived(m.id(), key)) {
                                counts[1]++;
                                continue;
                            }
                            if (deliver) {
                                try {
                                    EwsResponseException refusal = refused.get(key);
                                    if (refusal == null) {
                                        if (handOn(sink, m, key, downloaded.get(key), folderKey)) {
                                            handed++;
                                        } else {
                                            counts[2]++;
                                        }
                                    } else if (!GONE.equals(
                                            refusal.responseCode().orElse(""))) {
                                        sink.failed(
                                                m,
                                                key,
                                                folderKey,
                                                refusal.responseCode().orElse(null),
                                                "Exchange refused the message's content: " + errorText(refusal));
                                        counts[2]++;
                                    }
                                } catch (RuntimeException e) {
                                    throw e;
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                            syncs.markReceived(m.id(), key);
                        }
                        syncs.saveState(m.id(), folderKey, newState, handed);
                        counts[0] += handed;
                        return null;
                    });
                } finally {
                    downloaded.values().forEach(MailboxSync::deleteQuietly);
                }
            });
            return new Result(counts[0], counts[1], r.pages(), r.restarted(), counts[2]);
        } catch (RuntimeException e) {
            syncs.recordError(m.id(), folderKey, errorText(e));
            throw e;
        }
    }

    /** The sync status of the mailbox's current incoming folder; empty before its first pass. */
    public Optional<SyncStatus> status(UUID mailboxId) {
        Mailbox m = stores.mailboxes().get(mailboxId).orElseThrow(() -> new NotFoundException("mailbox", mailboxId));
        String folderKey = incoming(stores, m.id()).key();
        return syncs.get(m.id(), folderKey)
                .map(f -> new SyncStatus(m.id(), folderKey, f.lastSyncAt(), f.lastError(), f.received()));
    }

    /** Hands the message on; false when the sink rejected it (then it was given to {@link MessageSink#failed}). */
    private static boolean handOn(MessageSink sink, Mailbox m, String key, Path mime, String folderKey)
            throws Exception {
        MessageSink.Rejected rejected;
        try {
            sink.accept(m, key, mime);
            return true;
        } catch (MessageSink.Rejected e) {
            rejected = e;
        }
        sink.failed(
                m,
                key,
                folderKey,
                null,
                rejected.getMessage() == null ? "the message cannot be processed" : rejected.getMessage());
        return false;
    }

    /**
     * MIME of the page's new items, each in a temporary file (streamed, never whole in memory). An item
     * Exchange refuses for good (its response message is an error that retrying will not change: gone,
     * corrupt, content that cannot be converted to MIME) goes into {@code refused} instead; any other
     * failure fails the page.
     */
    private Map<String, Path> download(
            EwsClient ews, Mailbox m, List<ItemChange> changes, Map<String, EwsResponseException> refused) {
        Map<String, Path> out = new LinkedHashMap<>();
        List<ItemId> wanted = new ArrayList<>();
        for (ItemChange c : changes) {
            if (c instanceof ItemChange.Create
                    && c.itemId() != null
                    && !syncs.alreadyReceived(m.id(), c.itemId().id())) {
                wanted.add(c.itemId());
            }
        }
        try {
            for (ItemId id : wanted) {
                Path file = Files.createTempFile("mailbridge-mime-", ".eml");
                out.put(id.id(), file);
                try (OutputStream o = Files.newOutputStream(file)) {
                    ews.downloadMime(id, o);
                } catch (EwsResponseException e) {
                    if (e.retryable()) {
                        throw e;
                    }
                    deleteQuietly(out.remove(id.id()));
                    refused.put(id.id(), e);
                }
            }
            return out;
        } catch (IOException e) {
            out.values().forEach(MailboxSync::deleteQuietly);
            throw new UncheckedIOException("cannot write a downloaded message to a temporary file", e);
        } catch (RuntimeException e) {
            out.values().forEach(MailboxSync::deleteQuietly);
            throw e;
        }
    }

    private static String errorText(RuntimeException e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is not worth failing a sync for
        }
    }

    /** The folder a mailbox receives from and its key in {@code mailbox_sync}: the INCOMING mapping, else the inbox. */
    record Incoming(FolderRef folder, String key) {}

    static Incoming incoming(Stores stores, UUID mailboxId) {
        for (FolderMapping f : stores.mailboxes().folders(mailboxId)) {
            if (f.role() == FolderRole.INCOMING) {
                return new Incoming(FolderId.of(f.folderId()), f.folderId());
            }
        }
        return new Incoming(DistinguishedFolder.INBOX.ref(), "inbox");
    }
}
