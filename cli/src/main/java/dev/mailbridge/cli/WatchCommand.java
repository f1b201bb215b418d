package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.cli.CliState.Profile;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.StreamingConnection;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.model.MailboxEvent;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.ops.EventType;
import dev.mailbridge.ews.ops.FindItem;
import dev.mailbridge.ews.ops.GetItem;
import dev.mailbridge.ews.ops.ItemShape;
import dev.mailbridge.ews.ops.Subscribe;
import dev.mailbridge.graph.DeltaPage;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphResyncRequiredException;
import dev.mailbridge.graph.MailMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailbridge watch}: one line per new message as it arrives. A streaming subscription on the
 * folder (StreamingConnection reconnects after Exchange's connection timeout and dropped connections); a
 * lost subscription is renewed, and where streaming is not available it polls the folder instead.
 * Notifications are hints: each item is read with GetItem before it is shown, once. Over Microsoft Graph
 * it polls messages/delta (see {@link GraphWatch}).
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "watch",
        description = {
            "Print each new message in a folder as it arrives; Ctrl-C stops.",
            "Streaming notifications, or polling where Exchange has none; over Microsoft Graph it polls (Graph's"
                    + " notifications need a public HTTPS endpoint). --json prints one JSON object per line."
        })
final class WatchCommand extends CliCommand {
    static final int EWS_INTERVAL = 30;
    static final int GRAPH_INTERVAL = 5;
    /** Delta page size while watching: the first round lists the whole folder, so large pages. */
    private static final int GRAPH_PAGE = 200;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());

    @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "Inbox", description = "Default: Inbox.")
    String folder;

    @Option(names = "--poll", description = "Poll the folder instead of a streaming subscription.")
    boolean poll;

    @Option(
            names = "--interval",
            paramLabel = "SECONDS",
            description = "Seconds between polls (default: 30 when EWS is polled, 5 over Microsoft Graph).")
    Integer interval;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N messages.")
    Integer max;

    @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (90s, 10m, 2h or PT10M).")
    String duration;

    /** What the stream's thread hands the command's thread. */
    private sealed interface Signal {}

    private record NewItem(ItemId id) implements Signal {}

    private record Stopped(EwsException cause) implements Signal {}

    @Override
    int run(CliState state, Output out) throws InterruptedException {
        if (interval != null && interval < 1) {
            throw new CliException(ExitCodes.USAGE, "--interval must be at least 1 second.", "Use --interval 30.");
        }
        Profile p = state.profile(root.profile());
        if (Folders.graph(state, p.mailbox())) {
            if (interval == null) {
                interval = GRAPH_INTERVAL;
            }
            String folderId = Folders.resolveOverGraph(state, p.mailbox(), folder);
            Optional<Instant> until = Optional.ofNullable(duration)
                    .map(d -> state.clock().instant().plus(parse(d)));
            new GraphWatch(state.services().access().graph(p.mailbox().id()), folderId, out, p, until).run();
            return ExitCodes.OK;
        }
        if (interval == null) {
            interval = EWS_INTERVAL;
        }
        EwsClient ews = state.services().access().ews(p.mailbox().id());
        FolderRef ref = Folders.resolve(state, p.mailbox(), folder);
        Optional<Instant> until =
                Optional.ofNullable(duration).map(d -> state.clock().instant().plus(parse(d)));
        Watch w = new Watch(ews, ref, out, p, until);
        Thread hook = new Thread(w::close, "mailbridge-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            w.run(poll);
            return ExitCodes.OK;
        } finally {
            w.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running
            }
        }
    }

    private final class Watch {
        private final EwsClient ews;
        private final FolderRef ref;
        private final Output out;
        private final Profile profile;
        private final Optional<Instant> until;
        private final BlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
        private final Set<String> seen = new HashSet<>();
        private volatile StreamingConnection stream;
        private int shown;

        Watch(EwsClient ews, FolderRef ref, Output out, Profile profile, Optional<Instant> until) {
            this.ews = ews;
            this.ref = ref;
            this.out = out;
            this.profile = profile;
            this.until = until;
        }

        void run(boolean polling) throws InterruptedException {
            if (!polling) {
                try {
                    subscribe();
                    started("streaming");
                    out.note("Watching " + profile.mailbox().address() + " / " + folder
                            + " for new mail (streaming notifications; Ctrl-C stops) ...");
                    if (!streaming()) {
                        return;
                    }
                } catch (EwsException e) {
                    out.note("Streaming notifications are not available (" + e.plainMessage() + "); polling every "
                            + interval + " s instead.");
                }
            }
            if (!done()) {
                polling();
            }
        }

        private void subscribe() {
            Subscribe.Subscription sub =
                    ews.execute(Subscribe.streaming(List.of(ref), List.of(EventType.NEW_MAIL, EventType.CREATED)));
            stream = new StreamingConnection(ews, List.of(sub.id()), 30, new StreamingConnection.Listener() {
                        @Override
                        public void onNotification(Notification n) {
                            for (MailboxEvent e : n.events()) {
                                if (e.itemId() != null) {
                                    signals.add(new NewItem(e.itemId()));
                                }
                            }
                        }

                        @Override
                        public void onStopped(EwsException cause) {
                            signals.add(new Stopped(cause));
                        }
                    })
                    .start();
        }

        /** @return false when the time is up or enough was shown; true to go on by polling */
        private boolean streaming() throws InterruptedException {
            boolean renewed = false;
            while (!done()) {
                Signal s = signals.poll(waitMillis(Duration.ofSeconds(1)), TimeUnit.MILLISECONDS);
                if (s instanceof NewItem n) {
                    show(List.of(n.id()));
                } else if (s instanceof Stopped stopped) {
                    close();
                    if (renewed) {
                        out.note("The subscription stopped again ("
                                + stopped.cause().plainMessage() + "); polling every " + interval + " s instead.");
                        return true;
                    }
                    renewed = true;
                    subscribe();
                }
            }
            return false;
        }

        private void polling() throws InterruptedException {
            out.note("Watching " + profile.mailbox().address() + " / " + folder + " for new mail (polling every "
                    + interval + " s; Ctrl-C stops) ...");
            for (Item i : newest()) {
                seen.add(i.id().id());
            }
            started("polling");
            while (!done()) {
                long wait = waitMillis(Duration.ofSeconds(interval));
                Thread.sleep(wait);
                List<ItemId> fresh = new ArrayList<>();
                List<Item> items = newest();
                for (int k = items.size() - 1; k >= 0; k--) {
                    if (!seen.contains(items.get(k).id().id())) {
                        fresh.add(items.get(k).id());
                    }
                }
                show(fresh);
            }
        }

        /** Scripts learn that the watch is in place (mail from now on will be printed). */
        private void started(String mode) {
            ObjectNode json = Output.object();
            json.put("event", "watching");
            json.put("mailbox", profile.mailbox().address());
            json.put("folder", folder);
            json.put("mode", mode);
            out.json(json);
        }

        private List<Item> newest() {
            return ews.execute(new FindItem(ref, ItemShape.idOnly(), 0, 50, true))
                    .items();
        }

        private void show(List<ItemId> ids) {
            List<ItemId> todo =
                    ids.stream().filter(id -> !seen.contains(id.id())).toList();
            if (todo.isEmpty()) {
                return;
            }
            for (var o : ews.execute(GetItem.of(todo, ItemShape.defaults())).outcomes()) {
                if (!o.ok() || done()) {
                    continue; // gone again before it could be read
                }
                Item item = o.value();
                seen.add(item.id().id());
                shown++;
                print(item);
            }
            todo.forEach(id -> seen.add(id.id()));
        }

        private void print(Item item) {
            String from = item.from() == null
                    ? null
                    : Optional.ofNullable(item.from().address())
                            .orElse(item.from().name());
            line(out, profile, item.id().id(), item.dateTimeReceived(), from, item.subject(), item.internetMessageId());
        }

        private boolean done() {
            return WatchCommand.this.done(shown, until);
        }

        private long waitMillis(Duration normal) {
            return WatchCommand.waitMillis(until, normal);
        }

        void close() {
            StreamingConnection s = stream;
            stream = null;
            if (s != null) {
                s.close();
            }
        }
    }

    /**
     * Over Microsoft Graph: change notifications need a public HTTPS endpoint that Graph can call, which a
     * command line does not have, so it polls messages/delta with the round's deltaLink. The first round
     * only learns what is there already; later rounds show the messages not seen before (delta also lists
     * messages that merely changed, such as read or flagged, and those are not new).
     */
    private final class GraphWatch {
        private final GraphClient graph;
        private final String folderId;
        private final Output out;
        private final Profile profile;
        private final Optional<Instant> until;
        private final Set<String> seen = new HashSet<>();
        private int shown;

        GraphWatch(GraphClient graph, String folderId, Output out, Profile profile, Optional<Instant> until) {
            this.graph = graph;
            this.folderId = folderId;
            this.out = out;
            this.profile = profile;
            this.until = until;
        }

        void run() throws InterruptedException {
            out.note("Watching " + profile.mailbox().address() + " / " + folder + " for new mail (polling Microsoft"
                    + " Graph every " + interval + " s: its change notifications need a public HTTPS endpoint, which"
                    + " a command line does not have; Ctrl-C stops) ...");
            String link = round(null, false);
            ObjectNode json = Output.object();
            json.put("event", "watching");
            json.put("mailbox", profile.mailbox().address());
            json.put("folder", folder);
            json.put("mode", "polling");
            json.put("transport", "graph");
            json.put("intervalSeconds", interval);
            out.json(json);
            while (!done(shown, until)) {
                Thread.sleep(waitMillis(until, Duration.ofSeconds(interval)));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                try {
                    link = round(link, true);
                } catch (GraphResyncRequiredException e) {
                    // Graph dropped the state: learn the folder again; mail in between may go unshown.
                    link = round(null, false);
                }
            }
        }

        /** One delta round from {@code link} (null: the whole folder); returns the new deltaLink. */
        private String round(String link, boolean show) {
            String next = link;
            while (true) {
                DeltaPage page = graph.delta(folderId, next, GRAPH_PAGE);
                for (DeltaPage.Change c : page.changes()) {
                    if (c.removed() || c.message() == null || !seen.add(c.id())) {
                        continue;
                    }
                    if (show && !done(shown, until)) {
                        shown++;
                        print(c.message());
                    }
                }
                if (page.last()) {
                    return page.deltaLink();
                }
                next = page.nextLink();
            }
        }

        private void print(MailMessage m) {
            line(out, profile, m.id(), m.receivedDateTime(), m.fromAddress(), m.subject(), m.internetMessageId());
        }
    }

    /** One new message: a line for people, an object for scripts; the same over EWS and Graph. */
    private void line(
            Output out,
            Profile profile,
            String id,
            Instant receivedAt,
            String from,
            String subject,
            String internetMessageId) {
        String sender = from == null ? "" : from;
        ObjectNode json = Output.object();
        json.put("event", "message");
        json.put("mailbox", profile.mailbox().address());
        json.put("folder", folder);
        json.put("itemId", id);
        if (receivedAt != null) {
            json.put("receivedAt", receivedAt.toString());
        }
        json.put("from", sender);
        json.put("subject", subject);
        if (internetMessageId != null) {
            json.put("messageId", internetMessageId);
        }
        out.json(json);
        out.line((receivedAt == null ? "" : TIME.format(receivedAt) + "  ") + sender + "  "
                + Optional.ofNullable(subject).orElse("(no subject)"));
    }

    private boolean done(int shown, Optional<Instant> until) {
        return (max != null && shown >= max)
                || until.map(u -> !Instant.now().isBefore(u)).orElse(false);
    }

    private static long waitMillis(Optional<Instant> until, Duration normal) {
        long ms = normal.toMillis();
        if (until.isPresent()) {
            ms = Math.min(
                    ms, Math.max(1, Duration.between(Instant.now(), until.get()).toMillis()));
        }
        return ms;
    }

    static Duration parse(String s) {
        String v = s.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (RuntimeException e) {
            throw new CliException(
                    ExitCodes.USAGE, "--for: \"" + s + "\" is not a duration.", "Use 90s, 10m, 2h or PT10M.");
        }
    }
}
