package dev.mailbridge.cli;

import dev.mailbridge.core.connect.MailboxFolders.MailboxFolder;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.FolderRef;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** {@code --folder NAME}: a well-known folder (Inbox, Sent Items, ...) or a path from {@code mailbridge folders}. */
final class Folders {
    /** The well-known names Graph's mailFolders take as ids (EWS's distinguished mail folders). */
    private static final Set<DistinguishedFolder> GRAPH_WELL_KNOWN = Set.of(
            DistinguishedFolder.MSGFOLDERROOT,
            DistinguishedFolder.INBOX,
            DistinguishedFolder.SENTITEMS,
            DistinguishedFolder.DRAFTS,
            DistinguishedFolder.DELETEDITEMS,
            DistinguishedFolder.OUTBOX,
            DistinguishedFolder.JUNKEMAIL,
            DistinguishedFolder.RECOVERABLEITEMSDELETIONS);

    private Folders() {}

    static boolean graph(CliState state, Mailbox m) {
        return state.services().access().transport(m.id()) == Transport.GRAPH;
    }

    /** The folder as EWS names it: a distinguished folder, or a folder id. */
    static FolderRef resolve(CliState state, Mailbox m, String name) {
        return wellKnown(name)
                .<FolderRef>map(DistinguishedFolder::ref)
                .orElseGet(() -> FolderId.of(byPath(state.services().folders().list(m.id()), name)));
    }

    /** The folder as Graph names it: a well-known name ({@code inbox}, {@code sentitems}), or a folder id. */
    static String resolveOverGraph(CliState state, Mailbox m, String name) {
        return wellKnown(name)
                .filter(GRAPH_WELL_KNOWN::contains)
                .map(DistinguishedFolder::wireName)
                .orElseGet(() -> byPath(state.services().folders().listOverGraph(m.id()), name));
    }

    private static Optional<DistinguishedFolder> wellKnown(String name) {
        String key = name.strip().replace(" ", "").toLowerCase(Locale.ROOT);
        for (DistinguishedFolder d : DistinguishedFolder.values()) {
            if (d.wireName().equals(key)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static String byPath(List<MailboxFolder> all, String name) {
        List<MailboxFolder> byPath = all.stream()
                .filter(f -> f.path().equalsIgnoreCase(name.strip()))
                .toList();
        List<MailboxFolder> matches = byPath.isEmpty()
                ? all.stream()
                        .filter(f -> f.name().equalsIgnoreCase(name.strip()))
                        .toList()
                : byPath;
        if (matches.size() == 1) {
            return matches.get(0).id();
        }
        throw new CliException(
                ExitCodes.USAGE,
                matches.isEmpty()
                        ? "The mailbox has no folder \"" + name + "\"."
                        : "\"" + name + "\" names " + matches.size() + " folders.",
                "Give the folder's path as mailbridge folders shows it ("
                        + String.join(
                                ", ",
                                all.stream().limit(8).map(MailboxFolder::path).toList())
                        + (all.size() > 8 ? ", ..." : "") + ").");
    }
}
