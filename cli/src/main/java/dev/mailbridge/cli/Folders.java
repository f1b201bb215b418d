package dev.mailbridge.cli;

import dev.mailbridge.core.connect.MailboxFolders.MailboxFolder;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.FolderId;
import dev.mailbridge.ews.model.FolderRef;
import java.util.List;
import java.util.Locale;

/** {@code --folder NAME}: a well-known folder (Inbox, Sent Items, ...) or a path from {@code mailbridge folders}. */
final class Folders {
    private Folders() {}

    static FolderRef resolve(CliState state, Mailbox m, String name) {
        String key = name.strip().replace(" ", "").toLowerCase(Locale.ROOT);
        for (DistinguishedFolder d : DistinguishedFolder.values()) {
            if (d.wireName().equals(key)) {
                return d.ref();
            }
        }
        List<MailboxFolder> all = state.services().folders().list(m.id());
        List<MailboxFolder> byPath = all.stream()
                .filter(f -> f.path().equalsIgnoreCase(name.strip()))
                .toList();
        List<MailboxFolder> matches = byPath.isEmpty()
                ? all.stream()
                        .filter(f -> f.name().equalsIgnoreCase(name.strip()))
                        .toList()
                : byPath;
        if (matches.size() == 1) {
            return FolderId.of(matches.get(0).id());
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
