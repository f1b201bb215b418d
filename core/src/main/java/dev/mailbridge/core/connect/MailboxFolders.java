package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.model.BaseShape;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.Folder;
import dev.mailbridge.ews.ops.FindFolder;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.MailFolder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The mailbox's mail folders, and which of them Mailbridge uses for what. */
public final class MailboxFolders {
    /** A mail folder with its path from the top of the mailbox ("Inbox/Orders"). */
    public record MailboxFolder(String id, String name, String path, int totalCount, int unreadCount) {}

    /** Enough for any real mailbox; keeps a pathological tree from listing forever. */
    private static final int MAX_FOLDERS = 10_000;

    private final Stores stores;
    private final MailboxAccess access;

    public MailboxFolders(Stores stores, MailboxAccess access) {
        this.stores = stores;
        this.access = access;
    }

    /** Every mail folder under the mailbox's root, in tree order. */
    public List<MailboxFolder> list(UUID mailboxId) {
        if (access.transport(mailboxId) == Transport.GRAPH) {
            return listOverGraph(mailboxId);
        }
        EwsClient ews = access.ews(mailboxId);
        Folder root = ews.folder(DistinguishedFolder.MSGFOLDERROOT.ref());
        List<Folder> all = new ArrayList<>();
        // the default shape has no ParentFolderId, and the paths need it
        FindFolder request = new FindFolder(
                DistinguishedFolder.MSGFOLDERROOT.ref(),
                true,
                BaseShape.DEFAULT,
                List.of("folder:ParentFolderId"),
                0,
                1000);
        FindFolder.Page page;
        do {
            page = ews.execute(request);
            all.addAll(page.folders());
            request = request.at(page.nextOffset());
        } while (!page.includesLastItemInRange() && !page.folders().isEmpty());
        Map<String, Folder> byId = new HashMap<>();
        all.forEach(f -> byId.put(f.id().id(), f));
        List<MailboxFolder> out = new ArrayList<>();
        for (Folder f : all) {
            if (f.isMailFolder()) {
                out.add(new MailboxFolder(
                        f.id().id(), f.displayName(), path(f, byId, root), f.totalCount(), f.unreadCount()));
            }
        }
        out.sort(java.util.Comparator.comparing(MailboxFolder::path, String.CASE_INSENSITIVE_ORDER));
        return out;
    }

    /**
     * Every mail folder over Microsoft Graph, whatever the connection's transport (the switch to Graph maps
     * folders by path with it): the top-level folders, then each folder's children, breadth first (Graph has
     * no deep FindFolder).
     */
    public List<MailboxFolder> listOverGraph(UUID mailboxId) {
        GraphClient graph = access.graph(mailboxId);
        List<MailboxFolder> out = new ArrayList<>();
        record Pending(String parentPath, int depth, MailFolder folder) {}
        java.util.ArrayDeque<Pending> todo = new java.util.ArrayDeque<>();
        graph.folders().forEach(f -> todo.add(new Pending("", 0, f)));
        while (!todo.isEmpty() && out.size() < MAX_FOLDERS) {
            Pending next = todo.poll();
            MailFolder f = next.folder();
            String path = next.depth() == 0 ? f.displayName() : next.parentPath() + "/" + f.displayName();
            out.add(new MailboxFolder(f.id(), f.displayName(), path, f.totalItemCount(), f.unreadItemCount()));
            if (f.childFolderCount() > 0 && next.depth() < 31) { // 32 levels, as the EWS paths
                graph.childFolders(f.id()).forEach(c -> todo.add(new Pending(path, next.depth() + 1, c)));
            }
        }
        out.sort(java.util.Comparator.comparing(MailboxFolder::path, String.CASE_INSENSITIVE_ORDER));
        return out;
    }

    private static String path(Folder f, Map<String, Folder> byId, Folder root) {
        StringBuilder p = new StringBuilder(f.displayName());
        Folder at = f;
        for (int depth = 0; depth < 32 && at.parentId() != null; depth++) {
            Folder parent = byId.get(at.parentId().id());
            if (parent == null || parent.id().id().equals(root.id().id())) {
                break;
            }
            p.insert(0, parent.displayName() + "/");
            at = parent;
        }
        return p.toString();
    }

    /**
     * Maps roles to folders (by folder ID, as listed by {@link #list}); roles left out are unmapped. An ID
     * that is not one of the mailbox's folders is refused.
     */
    public List<FolderMapping> map(UUID mailboxId, Map<FolderRole, String> folderIds, String actor) {
        Mailbox m = stores.mailboxes()
                .get(mailboxId)
                .orElseThrow(() -> new dev.mailbridge.core.store.NotFoundException("mailbox", mailboxId));
        Map<String, MailboxFolder> folders = new HashMap<>();
        list(mailboxId).forEach(f -> folders.put(f.id(), f));
        List<FolderMapping> mappings = new ArrayList<>();
        for (var e : folderIds.entrySet()) {
            if (e.getValue() == null || e.getValue().isBlank()) {
                continue;
            }
            MailboxFolder f = folders.get(e.getValue());
            if (f == null) {
                throw ValidationException.of(
                        e.getKey().name().toLowerCase(java.util.Locale.ROOT),
                        "That folder is no longer in the mailbox; reload the folder list and choose again.");
            }
            mappings.add(new FolderMapping(e.getKey(), f.id(), f.path()));
        }
        stores.mailboxes().mapFolders(mailboxId, mappings);
        stores.audit()
                .record(
                        actor,
                        "mailbox.folders",
                        "mailbox/" + mailboxId,
                        m.address() + ": "
                                + mappings.stream()
                                        .map(x -> x.role() + "=" + x.folderName())
                                        .toList());
        return mappings;
    }
}
