package dev.mailbridge.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.connect.MailboxAccess;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
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
import dev.mailbridge.graph.DeltaPage;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphException;
import dev.mailbridge.graph.GraphIds;
import dev.mailbridge.graph.GraphNotFoundException;
import dev.mailbridge.graph.GraphResyncRequiredException;
import dev.mailbridge.graph.MailMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Incremental sync of a mailbox's incoming folder (the folder mapped to {@link FolderRole#INCOMING},
 * the inbox when none is): SyncFolderItems from the stored state, new items' MIME downloaded, then in
 * one transaction per page each new message handed to the {@link MessageSink}, recorded as received,
 * and the new sync state saved. A crash before the commit repeats the page; a crash after it repeats
 * nothing. When Exchange refuses the stored state, a full resync follows and the received-items record
 * keeps it from handing anything on twice.
 *
 * <p>Over Microsoft Graph the same pass runs on {@code messages/delta}: the nextLink of each page is saved
 * with the page (a crash resumes there), the deltaLink ends the round, and a 410 starts the round again.
 * Graph's states are kept apart from EWS's ({@code graph:} before the folder key). After a switch from EWS
 * ({@link #markSwitched}) the first Graph round records what is already there and hands on only what EWS
 * did not receive: not under the EWS form of its id ({@link GraphIds}), not received before the last EWS
 * pass began, and not with a Message-ID handed on since (the last two hold should the ids not match).
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

    /** Graph's sync states are stored under this prefix before the folder key. */
    static final String GRAPH_PREFIX = "graph:";

    /** A Graph state that says: switched from EWS at this instant, first round still to come. */
    private static final String SWITCHED = "switched-from-ews:";

    /** Messages per delta page. */
    private static final int GRAPH_PAGE = 200;

    /** Clock difference allowed between Exchange's receivedDateTime and ours when resuming after a switch. */
    private static final Duration SWITCH_SKEW = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();

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
        if (access.transport(m) == Transport.GRAPH) {
            return graphSync(m, incoming, sink, startFromNow);
        }
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
        String stateKey = access.transport(m) == Transport.GRAPH ? GRAPH_PREFIX + folderKey : folderKey;
        return syncs.get(m.id(), stateKey)
                .map(f -> new SyncStatus(m.id(), folderKey, f.lastSyncAt(), f.lastError(), f.received()));
    }

    /**
     * Marks the mailbox as switched from EWS to Graph: its first Graph round hands on only messages received
     * from {@code lastEwsPassStartedAt} (less a few minutes for clock skew) that EWS did not hand on.
     * Called by the switch after the last EWS pass, before the connection's transport changes.
     */
    public void markSwitched(UUID mailboxId, Instant lastEwsPassStartedAt) {
        String key = GRAPH_PREFIX + incoming(stores, mailboxId).key();
        stores.database().jdbc().transaction(() -> {
            syncs.saveState(mailboxId, key, SWITCHED + lastEwsPassStartedAt, 0);
            return null;
        });
    }

    private Result graphSync(Mailbox m, Incoming incoming, MessageSink sink, boolean startFromNow) {
        String folder = incoming.key();
        String stateKey = GRAPH_PREFIX + folder;
        String link = syncs.get(m.id(), stateKey)
                .flatMap(SyncStore.FolderSync::syncState)
                .orElse(null);
        Instant switchedAt = null;
        if (link != null && link.startsWith(SWITCHED)) {
            switchedAt = Instant.parse(link.substring(SWITCHED.length())).minus(SWITCH_SKEW);
            link = null;
        }
        boolean deliverAll = switchedAt == null && !(startFromNow && link == null);
        Set<String> handedOnByEws = switchedAt == null ? Set.of() : recentMessageIds(m.id(), switchedAt);
        int handedTotal = 0;
        int already = 0;
        int failedTotal = 0;
        int pages = 0;
        boolean restarted = false;
        try {
            GraphClient graph = access.graph(m.id());
            while (true) {
                DeltaPage page;
                try {
                    page = graph.delta(folder, link, GRAPH_PAGE);
                } catch (GraphResyncRequiredException e) {
                    if (restarted || link == null) {
                        throw e;
                    }
                    restarted = true; // the received-items record keeps the new round from handing anything on twice
                    link = null;
                    continue;
                }
                pages++;
                List<MailMessage> fresh = new ArrayList<>();
                List<MailMessage> deliver = new ArrayList<>();
                List<String> ewsSeen = new ArrayList<>();
                for (DeltaPage.Change c : page.changes()) {
                    if (c.removed() || c.message() == null || syncs.alreadyReceived(m.id(), c.id())) {
                        if (!c.removed() && c.message() != null) {
                            already++;
                        }
                        continue;
                    }
                    if (switchedAt != null && syncs.alreadyReceived(m.id(), GraphIds.toEwsId(c.id()))) {
                        // received over EWS under the EWS form of the same id: recorded under Graph's too
                        already++;
                        ewsSeen.add(c.id());
                        continue;
                    }
                    fresh.add(c.message());
                    if (deliverAll || (switchedAt != null && arrivedSince(c.message(), switchedAt, handedOnByEws))) {
                        deliver.add(c.message());
                    }
                }
                Map<String, GraphException> refused = new LinkedHashMap<>();
                Map<String, Path> downloaded = graphDownload(graph, deliver, refused);
                String state = page.last() ? page.deltaLink() : page.nextLink(); // one is there (GraphClient.delta)
                try {
                    int[] counts = stores.database().jdbc().transaction(() -> {
                        int handed = 0;
                        int failed = 0;
                        for (MailMessage msg : fresh) {
                            String key = msg.id();
                            if (syncs.alreadyReceived(m.id(), key)) {
                                continue;
                            }
                            Path mime = downloaded.get(key);
                            GraphException refusal = refused.get(key);
                            try {
                                if (mime != null) {
                                    if (handOn(sink, m, key, mime, folder)) {
                                        handed++;
                                    } else {
                                        failed++;
                                    }
                                } else if (refusal != null && !(refusal instanceof GraphNotFoundException)) {
                                    sink.failed(
                                            m,
                                            key,
                                            folder,
                                            refusal.code(),
                                            "Microsoft Graph refused the message's content: " + errorText(refusal));
                                    failed++;
                                }
                            } catch (RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                            syncs.markReceived(m.id(), key);
                        }
                        for (String key : ewsSeen) {
                            syncs.markReceived(m.id(), key);
                        }
                        syncs.saveState(m.id(), stateKey, state, handed);
                        return new int[] {handed, failed};
                    });
                    handedTotal += counts[0];
                    failedTotal += counts[1];
                } finally {
                    downloaded.values().forEach(MailboxSync::deleteQuietly);
                }
                if (page.last()) {
                    return new Result(handedTotal, already, pages, restarted, failedTotal);
                }
                link = page.nextLink();
            }
        } catch (RuntimeException e) {
            syncs.recordError(m.id(), stateKey, errorText(e));
            throw e;
        }
    }

    /** After a switch: received since the last EWS pass began and not handed on by it. */
    private static boolean arrivedSince(MailMessage msg, Instant since, Set<String> handedOnByEws) {
        if (msg.receivedDateTime() != null && msg.receivedDateTime().isBefore(since)) {
            return false;
        }
        return msg.internetMessageId() == null || !handedOnByEws.contains(bare(msg.internetMessageId()));
    }

    /** Message-IDs (without angle brackets) of what the mailbox handed on since {@code since}. */
    private Set<String> recentMessageIds(UUID mailboxId, Instant since) {
        Set<String> ids = new HashSet<>();
        stores.database()
                .jdbc()
                .query(
                        "SELECT message_json FROM received_message WHERE mailbox_id=? AND received_at >= ?",
                        rs -> {
                            try {
                                JsonNode id = JSON.readTree(rs.getString("message_json"))
                                        .get("messageId");
                                if (id != null && id.isTextual()) {
                                    ids.add(bare(id.asText()));
                                }
                            } catch (java.io.IOException e) {
                                // not JSON we wrote: nothing to compare against
                            }
                            return null;
                        },
                        mailboxId,
                        since);
        return ids;
    }

    private static String bare(String messageId) {
        String s = messageId.strip();
        return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
    }

    /** MIME of the messages over Graph, each in a temporary file; refusals for good go into {@code refused}. */
    private static Map<String, Path> graphDownload(
            GraphClient graph, List<MailMessage> messages, Map<String, GraphException> refused) {
        return toTempFiles(
                messages.stream().map(MailMessage::id).toList(),
                graph::downloadMime,
                GraphException.class,
                GraphException::refusedForGood,
                refused);
    }

    /** How one message's MIME is written to a stream. */
    private interface Download {
        void to(String id, OutputStream out);
    }

    /**
     * Each message's MIME in a temporary file (streamed, never whole in memory). A refusal of type {@code
     * type} that {@code forGood} accepts puts the message in {@code refused} instead; any other failure
     * deletes the files and fails the page, which the next pass repeats.
     */
    private static <E extends RuntimeException> Map<String, Path> toTempFiles(
            List<String> ids, Download download, Class<E> type, Predicate<E> forGood, Map<String, E> refused) {
        Map<String, Path> out = new LinkedHashMap<>();
        try {
            for (String id : ids) {
                Path file = Files.createTempFile("mailbridge-mime-", ".eml");
                out.put(id, file);
                try (OutputStream o = Files.newOutputStream(file)) {
                    download.to(id, o);
                } catch (RuntimeException e) {
                    if (!type.isInstance(e) || !forGood.test(type.cast(e))) {
                        throw e;
                    }
                    deleteQuietly(out.remove(id));
                    refused.put(id, type.cast(e));
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
        List<String> wanted = new ArrayList<>();
        for (ItemChange c : changes) {
            if (c instanceof ItemChange.Create
                    && c.itemId() != null
                    && !syncs.alreadyReceived(m.id(), c.itemId().id())) {
                wanted.add(c.itemId().id());
            }
        }
        return toTempFiles(
                wanted,
                (id, o) -> ews.downloadMime(ItemId.of(id), o),
                EwsResponseException.class,
                e -> !e.retryable(),
                refused);
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
