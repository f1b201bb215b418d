package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.cli.CliState.Profile;
import dev.mailbridge.core.connect.MailboxFolders.MailboxFolder;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code mailbridge folders}: the mailbox's mail folders as a tree, with message counts. */
@Command(
        mixinStandardHelpOptions = true,
        name = "folders",
        description = "List the mailbox's mail folders as a tree, with message and unread counts.")
final class FoldersCommand extends CliCommand {
    @Override
    int run(CliState state, Output out) {
        Profile p = state.profile(root.profile());
        List<MailboxFolder> folders =
                state.services().folders().list(p.mailbox().id());
        ArrayNode json = Output.array();
        out.line(p.mailbox().address());
        for (MailboxFolder f : folders) {
            ObjectNode o = json.addObject();
            o.put("id", f.id());
            o.put("name", f.name());
            o.put("path", f.path());
            o.put("total", f.totalCount());
            o.put("unread", f.unreadCount());
            int depth = f.path().length() - f.path().replace("/", "").length();
            out.line("  ".repeat(depth + 1) + f.name() + "  (" + f.totalCount() + ", " + f.unreadCount() + " unread)");
        }
        out.json(json);
        return ExitCodes.OK;
    }
}
