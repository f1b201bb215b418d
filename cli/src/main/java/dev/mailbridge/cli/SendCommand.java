package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.cli.CliState.Profile;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.send.MailSender;
import dev.mailbridge.core.send.OutgoingMessage;
import dev.mailbridge.core.send.SendResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mailbridge send}: a message from the profile's mailbox, composed or raw MIME, through core's MailSender. */
@Command(
        mixinStandardHelpOptions = true,
        name = "send",
        description = {
            "Send a message from the profile's mailbox (a copy is kept in Sent Items).",
            "Compose it with --to/--subject/--text/--html/--attach, or send a ready RFC 5322 file with --raw."
        },
        sortOptions = false)
final class SendCommand extends CliCommand {
    static final class Composed {
        @Option(
                names = "--to",
                paramLabel = "ADDRESS",
                split = ",",
                description = "Recipients (repeat or comma-separate).")
        List<String> to = new ArrayList<>();

        @Option(names = "--cc", paramLabel = "ADDRESS", split = ",", description = "Copy to (repeatable).")
        List<String> cc = new ArrayList<>();

        @Option(names = "--bcc", paramLabel = "ADDRESS", split = ",", description = "Blind copy to (repeatable).")
        List<String> bcc = new ArrayList<>();

        @Option(names = "--subject", paramLabel = "TEXT", description = "The subject line.")
        String subject;

        @Option(names = "--text", paramLabel = "TEXT", description = "The plain-text body (@FILE reads a file).")
        String text;

        @Option(names = "--html", paramLabel = "HTML", description = "The HTML body (@FILE reads a file).")
        String html;

        @Option(names = "--attach", paramLabel = "FILE", description = "Attach a file (repeatable).")
        List<Path> attach = new ArrayList<>();
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @ArgGroup(exclusive = false)
        Composed composed;

        @Option(
                names = "--raw",
                paramLabel = "FILE",
                description = "Send this RFC 5322 message as it is ('-' reads standard input).")
        String raw;
    }

    @Override
    int run(CliState state, Output out) throws IOException {
        Profile p = state.profile(root.profile());
        MailSender sender =
                new MailSender(state.services(), new Outbox(state.stores().database(), state.clock()), state.clock());
        SendResult sent;
        List<String> recipients = new ArrayList<>();
        if (what.raw != null) {
            try (InputStream in = what.raw.equals("-")
                    ? root.environment().stdin()
                    : Files.newInputStream(existing(Path.of(what.raw), "--raw"))) {
                sent = sender.sendMime(p.mailbox().id(), in);
            }
        } else {
            Composed c = what.composed;
            if (c.to.isEmpty() && c.cc.isEmpty() && c.bcc.isEmpty()) {
                throw new CliException(
                        ExitCodes.USAGE, "Who to? No --to, --cc or --bcc.", "Add --to name@example.com.");
            }
            OutgoingMessage.Builder b = OutgoingMessage.builder()
                    .to(c.to.toArray(String[]::new))
                    .cc(c.cc.toArray(String[]::new))
                    .bcc(c.bcc.toArray(String[]::new))
                    .subject(c.subject == null ? "" : c.subject);
            if (c.text != null) {
                b.text(body(c.text, "--text"));
            }
            if (c.html != null) {
                b.html(body(c.html, "--html"));
            }
            for (Path a : c.attach) {
                Path f = existing(a, "--attach");
                String type = Files.probeContentType(f);
                b.attach(
                        f.getFileName().toString(),
                        type == null ? "application/octet-stream" : type,
                        Files.readAllBytes(f));
            }
            recipients.addAll(c.to);
            recipients.addAll(c.cc);
            recipients.addAll(c.bcc);
            sent = sender.send(p.mailbox().id(), b.build());
        }
        ObjectNode json = Output.object();
        json.put("from", p.mailbox().address());
        json.put("messageId", sent.messageId());
        json.put("sendId", sent.sendId());
        json.put("sentAt", sent.sentAt().toString());
        out.json(json);
        out.line("Sent from " + p.mailbox().address()
                + (recipients.isEmpty() ? "" : " to " + String.join(", ", recipients)) + " (Message-ID "
                + sent.messageId() + ").");
        return ExitCodes.OK;
    }

    private static String body(String value, String option) throws IOException {
        if (value.startsWith("@") && value.length() > 1) {
            return Files.readString(existing(Path.of(value.substring(1)), option));
        }
        return value;
    }

    private static Path existing(Path f, String option) {
        if (!Files.isReadable(f) || Files.isDirectory(f)) {
            throw new CliException(
                    ExitCodes.USAGE,
                    option + ": cannot read " + f + ".",
                    "Check the path and that the file is readable.");
        }
        return f;
    }
}
