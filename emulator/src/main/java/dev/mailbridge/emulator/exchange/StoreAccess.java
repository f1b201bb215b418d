package dev.mailbridge.emulator.exchange;

import dev.mailbridge.emulator.exchange.MailStore.Folder;
import dev.mailbridge.emulator.exchange.MailStore.Ids;
import dev.mailbridge.emulator.exchange.MailStore.Item;
import dev.mailbridge.emulator.exchange.MailStore.Mailbox;
import dev.mailbridge.emulator.exchange.MailStore.Tombstone;
import jakarta.mail.internet.InternetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The mailbox store as the emulator's other protocol services (Microsoft Graph) see it: immutable
 * snapshots taken under the store's lock, and operations that raise the same events as EWS's, so a
 * change made through one protocol shows up in the other. Ids are the EWS ids: a Graph message id is
 * the EWS ItemId string, a mailFolder id the EWS FolderId.
 */
public final class StoreAccess {
    private final MailStore store;

    StoreAccess(MailStore store) {
        this.store = store;
    }

    /** A name and SMTP address, as in a From or To header. */
    public record Address(String name, String address) {}

    /** An attachment taken from the MIME. */
    public record AttachmentView(
            String id, String name, String contentType, String contentId, boolean inline, byte[] content) {}

    /** A message as it is now. {@code seq} orders changes (delta). */
    public record MessageView(
            String id,
            String changeKey,
            String mailbox,
            String folderId,
            String subject,
            List<Address> from,
            List<Address> sender,
            List<Address> to,
            List<Address> cc,
            List<Address> bcc,
            List<Address> replyTo,
            String internetMessageId,
            String inReplyTo,
            String references,
            Instant sent,
            Instant received,
            Instant created,
            Instant lastModified,
            String textBody,
            String htmlBody,
            List<AttachmentView> attachments,
            String importance,
            boolean read,
            boolean draft,
            List<String> categories,
            byte[] mime,
            long seq) {}

    /** A folder; {@code wellKnownName} is null for folders a user created. */
    public record FolderView(
            String id,
            String mailbox,
            String wellKnownName,
            String displayName,
            String parentId,
            String folderClass,
            int childCount,
            int totalCount,
            int unreadCount,
            long sizeInBytes) {}

    /** One change for a delta round: a message as it is now, or the id of one that left. */
    public record Change(long seq, MessageView message, String removedId) {}

    /** A page of changes in {@code (since, upTo]} after {@code cursor}; {@code more} when the round goes on. */
    public record ChangePage(List<Change> changes, boolean more) {}

    /** What happened to a message, for change notifications. Called under the store's lock: do not block. */
    public interface Listener {
        /** kind is created, updated or deleted. */
        void changed(String kind, String mailbox, String folderId, String itemId, String changeKey);
    }

    // ----- reads -----

    /** Whether the store has a mailbox for this address. */
    public boolean exists(String smtp) {
        return store.mailbox(smtp) != null;
    }

    /** The folder with this id or distinguished name (case-insensitive) in the mailbox, or null. */
    public FolderView folder(String smtp, String idOrName) {
        synchronized (store) {
            Folder f = resolveFolder(smtp, idOrName);
            return f == null ? null : view(f);
        }
    }

    /** The folders directly under a folder, in creation order. */
    public List<FolderView> childFolders(String smtp, String parentId) {
        synchronized (store) {
            Folder parent = resolveFolder(smtp, parentId);
            List<FolderView> out = new ArrayList<>();
            if (parent != null) {
                for (Folder f : parent.mailbox.folders.values()) {
                    if (f.parent == parent) {
                        out.add(view(f));
                    }
                }
            }
            return out;
        }
    }

    /** Every message of a folder, or of every folder of the given classes when {@code folderId} is null. */
    public List<MessageView> messages(String smtp, String folderId, String folderClass) {
        synchronized (store) {
            Mailbox mb = store.mailbox(smtp);
            List<MessageView> out = new ArrayList<>();
            if (mb == null) {
                return out;
            }
            for (Folder f : folders(mb, folderId, folderClass)) {
                for (Item i : f.items.values()) {
                    out.add(view(i));
                }
            }
            return out;
        }
    }

    /** The message with this id in the mailbox, or null (also for the old id of a moved message). */
    public MessageView message(String smtp, String id) {
        synchronized (store) {
            Item i = item(smtp, id);
            return i == null ? null : view(i);
        }
    }

    /** The mailbox's change counter now: the upper end of a new delta round. */
    public long currentSeq(String smtp) {
        synchronized (store) {
            Mailbox mb = store.mailbox(smtp);
            return mb == null ? 0 : mb.seq;
        }
    }

    /** Bumped by the control API's invalidate-sync-states: delta tokens of an older epoch are refused. */
    public long epoch() {
        synchronized (store) {
            return store.epoch;
        }
    }

    /**
     * Changes of the messages in a folder (or every folder of a class when {@code folderId} is null)
     * with a sequence number in {@code (since, upTo]} and after {@code cursor}, oldest first: messages
     * that are there now, and ids of messages known at {@code since} that left since.
     */
    public ChangePage changes(
            String smtp, String folderId, String folderClass, long since, long upTo, long cursor, int max) {
        synchronized (store) {
            Mailbox mb = store.mailbox(smtp);
            List<Change> all = new ArrayList<>();
            if (mb != null) {
                long after = Math.max(since, cursor);
                for (Folder f : folders(mb, folderId, folderClass)) {
                    for (Item i : f.items.values()) {
                        long s = i.lastSeq();
                        if (s > after && s <= upTo) {
                            all.add(new Change(s, null, i.key));
                        }
                    }
                    for (Tombstone t : f.tombstones) {
                        if (t.seq() > after && t.seq() <= upTo && t.enteredSeq() <= since && since > 0) {
                            all.add(new Change(t.seq(), null, t.itemId()));
                        }
                    }
                }
            }
            all.sort(Comparator.comparingLong(Change::seq));
            boolean more = all.size() > max;
            List<Change> page = new ArrayList<>();
            for (Change c : all.subList(0, Math.min(max, all.size()))) {
                Item live = mb.items.get(c.removedId());
                page.add(
                        live != null && live.lastSeq() == c.seq()
                                ? new Change(c.seq(), view(live), null)
                                : new Change(c.seq(), null, c.removedId()));
            }
            return new ChangePage(page, more);
        }
    }

    // ----- changes -----

    /**
     * Sets read state, categories, importance or subject (null = unchanged); returns the message, or
     * null when there is none with this id.
     */
    public MessageView update(
            String smtp, String id, Boolean read, List<String> categories, String importance, String subject) {
        synchronized (store) {
            Item item = item(smtp, id);
            if (item == null) {
                return null;
            }
            boolean other = false;
            boolean readChanged = read != null && read != item.read;
            if (read != null) {
                item.setRead(read);
            }
            if (categories != null) {
                item.categories.clear();
                item.categories.addAll(categories);
                other = true;
            }
            if (importance != null) {
                item.importance = importance;
                other = true;
            }
            if (subject != null) {
                item.mime = EwsOperations.replaceSubject(item.mime, subject);
                item.subject = subject;
                other = true;
            }
            if (other) {
                store.touch(item, false);
            } else if (readChanged) {
                store.touch(item, true);
            }
            return view(item);
        }
    }

    /** Moves a message (it gets a new id); null when the message or folder is unknown. */
    public MessageView move(String smtp, String id, String toFolder) {
        return moveOrCopy(smtp, id, toFolder, true);
    }

    /** Copies a message; null when the message or folder is unknown. */
    public MessageView copy(String smtp, String id, String toFolder) {
        return moveOrCopy(smtp, id, toFolder, false);
    }

    private MessageView moveOrCopy(String smtp, String id, String toFolder, boolean move) {
        synchronized (store) {
            Item item = item(smtp, id);
            Folder to = resolveFolder(smtp, toFolder);
            if (item == null || to == null) {
                return null;
            }
            if (!move) {
                return view(store.copy(item, to));
            }
            return view(item.folder == to ? item : store.move(item, to));
        }
    }

    /** Deletes a message for good; false when there is none with this id. */
    public boolean delete(String smtp, String id) {
        synchronized (store) {
            Item item = item(smtp, id);
            if (item == null) {
                return false;
            }
            store.remove(item);
            return true;
        }
    }

    /** Creates a folder under a parent; null when the parent is unknown; throws when the name is taken. */
    public FolderView createFolder(String smtp, String parentId, String displayName) {
        synchronized (store) {
            Folder parent = resolveFolder(smtp, parentId);
            if (parent == null) {
                return null;
            }
            for (Folder f : parent.mailbox.folders.values()) {
                if (f.parent == parent && f.displayName.equalsIgnoreCase(displayName)) {
                    throw new IllegalStateException("A folder with the specified name already exists.");
                }
            }
            return view(store.createFolder(parent, displayName, "IPF.Note"));
        }
    }

    /**
     * Submits a message from a mailbox: From and Date are added when missing, a copy goes to the inbox
     * of every recipient that has a mailbox here, and a read copy to sentitems when asked.
     *
     * @throws IllegalArgumentException when the message has no recipient
     */
    public void send(String smtp, byte[] mime, boolean saveToSentItems) {
        synchronized (store) {
            Mailbox mb = store.mailbox(smtp);
            if (mb == null) {
                throw new IllegalArgumentException("No mailbox " + smtp);
            }
            Item sent = store.newItem(mb, store.withSender(mb, mime));
            if (MailStore.recipients(sent).isEmpty()) {
                throw new IllegalArgumentException("At least one recipient isn't valid.");
            }
            store.deliverToRecipients(sent);
            if (saveToSentItems) {
                sent.setRead(true);
                sent.fromMe = true;
                store.add(mb.folder("sentitems"), sent);
            }
        }
    }

    /** Saves a message (MIME) as a draft, read, into a folder; null when the folder is unknown. */
    public MessageView saveDraft(String smtp, String folderId, byte[] mime) {
        synchronized (store) {
            Folder f = resolveFolder(smtp, folderId);
            if (f == null) {
                return null;
            }
            Item item = store.newItem(f.mailbox, mime);
            item.draft = true;
            item.setRead(true);
            store.add(f, item);
            return view(item);
        }
    }

    /**
     * Sends a saved message as {@link #send} does, then removes it; false when there is no such
     * message.
     *
     * @throws IllegalArgumentException when the message has no recipient
     */
    public boolean sendDraft(String smtp, String id) {
        synchronized (store) {
            Item draft = item(smtp, id);
            if (draft == null) {
                return false;
            }
            send(smtp, draft.mime, true);
            store.remove(draft);
            return true;
        }
    }

    /** Reports every message change to {@code listener}, after the listeners already there. */
    public void listen(Listener listener) {
        synchronized (store) {
            store.events = StoreEvents.both(store.events, new StoreEvents() {
                @Override
                public void itemCreated(Item item) {
                    listener.changed("created", item.mailbox.smtp, item.folder.id(), item.id(), item.changeKey());
                }

                @Override
                public void itemDeleted(Item item, String itemId, Folder from) {
                    listener.changed("deleted", item.mailbox.smtp, from.id(), itemId, item.changeKey());
                }

                @Override
                public void itemModified(Item item) {
                    listener.changed("updated", item.mailbox.smtp, item.folder.id(), item.id(), item.changeKey());
                }

                @Override
                public void itemMoved(String oldId, Folder from, Item item) {
                    listener.changed("deleted", item.mailbox.smtp, from.id(), oldId, item.changeKey());
                    itemCreated(item);
                }

                @Override
                public void itemCopied(Item source, Item copy) {
                    itemCreated(copy);
                }
            });
        }
    }

    // ----- helpers (under the lock) -----

    private Item item(String smtp, String id) {
        Mailbox mb = store.mailbox(smtp);
        String[] d = Ids.decode(id);
        if (mb == null || d == null || !d[0].equals("I") || !d[1].equals(mb.key)) {
            return null;
        }
        return mb.items.get(d[2]);
    }

    private Folder resolveFolder(String smtp, String idOrName) {
        Mailbox mb = store.mailbox(smtp);
        if (mb == null || idOrName == null) {
            return null;
        }
        Folder f = mb.distinguished.get(idOrName.toLowerCase(Locale.ROOT));
        if (f != null) {
            return f;
        }
        String[] d = Ids.decode(idOrName);
        if (d == null || !d[0].equals("F") || !d[1].equals(mb.key)) {
            return null;
        }
        return mb.folders.get(d[2]);
    }

    private List<Folder> folders(Mailbox mb, String folderId, String folderClass) {
        if (folderId != null) {
            Folder f = resolveFolder(mb.smtp, folderId);
            return f == null ? List.of() : List.of(f);
        }
        List<Folder> out = new ArrayList<>();
        for (Folder f : mb.folders.values()) {
            if (folderClass == null || folderClass.equals(f.folderClass)) {
                out.add(f);
            }
        }
        return out;
    }

    private static FolderView view(Folder f) {
        long size = 0;
        for (Item i : f.items.values()) {
            size += i.size();
        }
        return new FolderView(
                f.id(),
                f.mailbox.smtp,
                f.distinguishedName,
                f.displayName,
                f.parent == null ? null : f.parent.id(),
                f.folderClass,
                f.childCount(),
                f.items.size(),
                f.unread(),
                size);
    }

    private static MessageView view(Item i) {
        List<AttachmentView> atts = new ArrayList<>();
        for (MailStore.Attachment a : i.attachments) {
            atts.add(new AttachmentView(
                    Ids.attachmentId(i.mailbox.key, i.key, a.id()),
                    a.name(),
                    a.contentType(),
                    a.contentId(),
                    a.inline(),
                    a.content()));
        }
        return new MessageView(
                i.id(),
                i.changeKey(),
                i.mailbox.smtp,
                i.folder.id(),
                i.subject,
                addresses(i.from),
                addresses(i.sender),
                addresses(i.to),
                addresses(i.cc),
                addresses(i.bcc),
                addresses(i.replyTo),
                i.messageId,
                i.inReplyTo,
                i.references,
                i.sent,
                i.received,
                i.created,
                i.lastModified,
                i.textBody,
                i.htmlBody,
                List.copyOf(atts),
                i.importance,
                i.read,
                i.draft,
                List.copyOf(i.categories),
                i.mime,
                i.lastSeq());
    }

    private static List<Address> addresses(List<InternetAddress> in) {
        List<Address> out = new ArrayList<>();
        for (InternetAddress a : in) {
            out.add(new Address(a.getPersonal(), a.getAddress()));
        }
        return List.copyOf(out);
    }
}
