package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.cli.CliState.Profile;
import dev.mailbridge.core.message.MessageJson;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.MimeDownload;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemChange;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.ItemShape;
import dev.mailbridge.ews.ops.ItemSync;
import dev.mailbridge.ews.ops.SyncFolderItems;
import dev.mailbridge.graph.DeltaPage;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphIds;
import dev.mailbridge.graph.GraphNotFoundException;
import dev.mailbridge.graph.GraphResyncRequiredException;
import dev.mailbridge.graph.MailMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailbridge fetch}: a folder's messages to files, resumable. Over EWS SyncFolderItems lists what is
 * new since the stored state and MimeDownload streams the MIME with several requests in flight; over
 * Microsoft Graph messages/delta lists it and each message's $value is streamed. Each page's files are
 * complete before its state is saved, and a file's name comes from its item id, so a re-run after an
 * interruption rewrites the same files rather than adding copies.
 */
@Command(
        mixinStandardHelpOptions = true,
        name = "fetch",
        description = {
            "Download a folder's messages as .eml files (or message JSON), resumably.",
            "Run it again and it continues where it stopped, fetching only what is new (the state is kept in DIR/"
                    + FetchState.FILE + ")."
        })
final class FetchCommand extends CliCommand {
    private static final Pattern PERIOD = Pattern.compile("(\\d+)\\s*([dhm])", Pattern.CASE_INSENSITIVE);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    enum Format {
        eml,
        json
    }

    @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "Inbox", description = "Default: Inbox.")
    String folder;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where the files go.")
    Path dir;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "eml",
            description = "eml (the message as received) or json (Mailbridge's message JSON). Default: eml.")
    Format format;

    @Option(
            names = "--since",
            paramLabel = "WHEN",
            description = "Only messages received since: a date (2026-01-31), an instant (2026-01-31T08:00:00Z)"
                    + " or a period back from now (7d, 12h, P7D).")
    String since;

    @Option(
            names = "--page-size",
            paramLabel = "N",
            defaultValue = "100",
            description = "Messages listed per page; the state is saved after each page's files (1 to 512, default:"
                    + " ${DEFAULT-VALUE}).")
    int pageSize;

    /** What one run wrote. */
    private static final class Outcome {
        int written;
        int skipped;
        boolean restarted;
        final List<String> files = new ArrayList<>();
    }

    @Override
    int run(CliState state, Output out) throws IOException, InterruptedException {
        if (pageSize < 1 || pageSize > 512) {
            throw new CliException(
                    ExitCodes.USAGE, "--page-size must be between 1 and 512.", "Use --page-size 100 (the default).");
        }
        Profile p = state.profile(root.profile());
        Optional<Instant> from =
                Optional.ofNullable(since).map(s -> parseSince(s, state.clock().instant()));
        Files.createDirectories(dir);
        FetchState fetch = FetchState.load(dir)
                .map(s -> resumable(s, p))
                .orElseGet(() -> FetchState.fresh(dir, p.mailbox().address(), folder, format.name(), from));
        boolean graph = Folders.graph(state, p.mailbox());
        boolean resuming = fetch.state(graph) != null;
        if (resuming && from.isPresent() && !from.equals(fetch.since)) {
            out.note("Continuing the earlier fetch into " + dir + "; --since applies only to a new fetch.");
        }
        if (!resuming && fetch.otherState(graph) != null) {
            out.note(dir + " was fetched over " + (graph ? "EWS" : "Microsoft Graph") + "; the profile now uses "
                    + (graph ? "Microsoft Graph" : "EWS") + ": fetching the folder again over it (files already"
                    + " there are rewritten, not duplicated).");
        }
        Format fileFormat = Format.valueOf(fetch.format);
        Progress progress = new Progress(out.err(), root.environment().tty() && !out.json(), "messages");
        Path partial = dir.resolve(".mailbridge-partial");
        Files.createDirectories(partial);

        Outcome outcome = graph
                ? overGraph(state, p, fetch, fileFormat, resuming, progress, partial, out)
                : overEws(state, p, fetch, fileFormat, resuming, progress, partial, out);
        progress.finish();
        delete(partial);

        ObjectNode json = Output.object();
        json.put("mailbox", p.mailbox().address());
        json.put("folder", folder);
        json.put("out", dir.toAbsolutePath().toString());
        json.put("format", fileFormat.name());
        json.put("transport", graph ? "graph" : "ews");
        json.put("fetched", outcome.written);
        json.put("skipped", outcome.skipped);
        json.put("resumed", resuming);
        json.put("restarted", outcome.restarted);
        json.putPOJO("files", outcome.files);
        out.json(json);
        out.line((outcome.written == 0
                        ? "Nothing new"
                        : "Fetched " + outcome.written + " new message" + (outcome.written == 1 ? "" : "s"))
                + " from " + folder + " into " + dir + (resuming ? " (continued from the last run)." : "."));
        return ExitCodes.OK;
    }

    private Outcome overEws(
            CliState state,
            Profile p,
            FetchState fetch,
            Format fileFormat,
            boolean resuming,
            Progress progress,
            Path partial,
            Output out) {
        EwsClient ews = state.services().access().ews(p.mailbox().id());
        FolderRef ref = Folders.resolve(state, p.mailbox(), folder);
        if (!resuming) {
            progress.total(ews.folder(ref).totalCount());
        }
        MimeParser parser = new MimeParser();
        MimeDownload download = MimeDownload.builder(ews).build();
        Outcome outcome = new Outcome();
        ItemSync.Result result = ItemSync.run(
                ews,
                new SyncFolderItems(ref, ItemShape.defaults(), fetch.syncState, List.of(), pageSize, false),
                new ItemSync.Handler() {
                    @Override
                    public void page(List<ItemChange> changes, String newSyncState) {
                        Map<String, String> names = new HashMap<>();
                        List<ItemId> ids = new ArrayList<>();
                        for (ItemChange c : changes) {
                            if (c instanceof ItemChange.Create create
                                    && wanted(create.item().dateTimeReceived(), fetch.since)) {
                                ids.add(create.itemId());
                                names.put(create.itemId().id(), fileName(create.item(), fileFormat));
                            } else if (c instanceof ItemChange.Create) {
                                outcome.skipped++;
                            }
                        }
                        Map<String, Path> temps = new ConcurrentHashMap<>();
                        if (!ids.isEmpty()) {
                            download.run(
                                    ids,
                                    id -> Files.newOutputStream(
                                            temps.computeIfAbsent(id.id(), k -> partial.resolve(hash(k) + ".part"))),
                                    (batch, outcomes) -> {
                                        for (int i = 0; i < batch.size(); i++) {
                                            Path temp = temps.get(batch.get(i).id());
                                            if (outcomes.get(i).ok()) {
                                                String name =
                                                        names.get(batch.get(i).id());
                                                store(temp, dir.resolve(name), fileFormat, parser, p);
                                                outcome.files.add(name);
                                                outcome.written++;
                                            } else {
                                                // Deleted since it was listed (ErrorItemNotFound): nothing to keep.
                                                delete(temp);
                                                outcome.skipped++;
                                            }
                                        }
                                        progress.step(batch.size());
                                    });
                        }
                        fetch.syncState = newSyncState;
                        fetch.fetched += ids.size();
                        fetch.save();
                    }

                    @Override
                    public void reset() {
                        out.note("Exchange no longer knows the saved sync state; fetching the folder again"
                                + " (files already there are rewritten, not duplicated).");
                    }
                });
        outcome.restarted = result.restarted();
        return outcome;
    }

    /**
     * messages/delta pages; each page's MIME downloaded with up to four requests in flight (the Graph client's
     * limit per mailbox), its files complete before the page's nextLink (or the round's deltaLink) is saved.
     * Delta also lists messages that only changed (read, flagged): they are written again into their files.
     */
    private Outcome overGraph(
            CliState state,
            Profile p,
            FetchState fetch,
            Format fileFormat,
            boolean resuming,
            Progress progress,
            Path partial,
            Output out)
            throws InterruptedException {
        GraphClient graph = state.services().access().graph(p.mailbox().id());
        String folderId = Folders.resolveOverGraph(state, p.mailbox(), folder);
        if (!resuming) {
            progress.total(graph.folder(folderId).totalItemCount());
        }
        MimeParser parser = new MimeParser();
        Outcome outcome = new Outcome();
        String link = fetch.graphLink;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (true) {
                DeltaPage page;
                try {
                    page = graph.delta(folderId, link, pageSize);
                } catch (GraphResyncRequiredException e) {
                    if (link == null) {
                        throw e;
                    }
                    out.note("Microsoft Graph no longer knows the saved delta state; fetching the folder again"
                            + " (files already there are rewritten, not duplicated).");
                    link = null;
                    outcome.restarted = true;
                    continue;
                }
                List<MailMessage> todo = new ArrayList<>();
                for (DeltaPage.Change c : page.changes()) {
                    if (c.removed() || c.message() == null) {
                        continue; // fetch exports what arrives; it does not mirror deletions
                    }
                    if (wanted(c.message().receivedDateTime(), fetch.since)) {
                        todo.add(c.message());
                    } else {
                        outcome.skipped++;
                    }
                }
                List<Future<Path>> downloads = new ArrayList<>();
                for (MailMessage m : todo) {
                    downloads.add(pool.submit(() -> download(graph, m, partial)));
                }
                try {
                    for (int i = 0; i < todo.size(); i++) {
                        Path temp = get(downloads.get(i));
                        progress.step(1);
                        if (temp == null) {
                            outcome.skipped++; // deleted since it was listed
                            continue;
                        }
                        MailMessage m = todo.get(i);
                        String name = fileName(m.receivedDateTime(), m.subject(), GraphIds.toEwsId(m.id()), fileFormat);
                        store(temp, dir.resolve(name), fileFormat, parser, p);
                        outcome.files.add(name);
                        outcome.written++;
                    }
                } catch (InterruptedException | RuntimeException e) {
                    downloads.forEach(f -> f.cancel(true));
                    throw e;
                }
                link = page.last() ? page.deltaLink() : page.nextLink(); // one is there (GraphClient.delta)
                fetch.graphLink = link;
                fetch.fetched += todo.size();
                fetch.save();
                if (page.last()) {
                    return outcome;
                }
            }
        }
    }

    /** The MIME into a temporary file; null when the message is gone (deleted or moved since it was listed). */
    private static Path download(GraphClient graph, MailMessage m, Path partial) throws IOException {
        Path temp = partial.resolve(hash(m.id()) + ".part");
        try (OutputStream o = Files.newOutputStream(temp)) {
            graph.downloadMime(m.id(), o);
            return temp;
        } catch (GraphNotFoundException gone) {
            delete(temp);
            return null;
        }
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException("cannot write a downloaded message", io);
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private FetchState resumable(FetchState s, Profile p) {
        if (!s.mailbox.equalsIgnoreCase(p.mailbox().address()) || !s.folder.equalsIgnoreCase(folder)) {
            throw new CliException(
                    ExitCodes.USAGE,
                    dir + " holds a fetch of " + s.mailbox + " / " + s.folder + ".",
                    "Use another --out folder, or delete " + dir.resolve(FetchState.FILE) + " to start over there.");
        }
        if (!s.format.equals(format.name()) && format != Format.eml) {
            throw new CliException(
                    ExitCodes.USAGE,
                    dir + " holds a fetch in " + s.format + " format.",
                    "Use --format " + s.format + ", or another --out folder.");
        }
        return s;
    }

    private static boolean wanted(Instant received, Optional<Instant> since) {
        return since.isEmpty() || received == null || !received.isBefore(since.get());
    }

    private static void store(Path temp, Path target, Format format, MimeParser parser, Profile p) {
        try {
            if (format == Format.eml) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
            ReceivedMessage m;
            try (InputStream in = Files.newInputStream(temp)) {
                m = parser.parse(in, p.mailbox().address(), null);
            }
            Path tmpJson = temp.resolveSibling(temp.getFileName() + ".json");
            Files.write(tmpJson, MessageJson.writeBytes(m));
            Files.move(tmpJson, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(temp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static void delete(Path p) {
        try {
            if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    for (Path child : s.toList()) {
                        Files.deleteIfExists(child);
                    }
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temporary file is harmless; the next run overwrites it
        }
    }

    /**
     * {@code 20261204-213000_Subject-words_3f2a9c01d4.eml}: sortable by arrival, readable, safe on every file
     * system (ASCII letters, digits, '-' and '_'), unique by the item id's hash.
     */
    static String fileName(Item item, Format format) {
        return fileName(item.dateTimeReceived(), item.subject(), item.id().id(), format);
    }

    /**
     * By the EWS id (a Graph id is converted back to it), so that a folder fetched over EWS and then, after the
     * switch, over Graph keeps one file per message.
     */
    static String fileName(Instant received, String subjectLine, String ewsId, Format format) {
        Instant at = received != null ? received : Instant.EPOCH;
        String subject = subjectLine == null ? "" : subjectLine;
        String slug = java.text.Normalizer.normalize(subject, java.text.Normalizer.Form.NFKD)
                .replaceAll("[^A-Za-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        return STAMP.format(at) + "_" + (slug.isEmpty() ? "no-subject" : slug) + "_"
                + hash(ewsId).substring(0, 10) + "." + format.name();
    }

    static String hash(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Instant parseSince(String s, Instant now) {
        String v = s.strip();
        try {
            if (v.toUpperCase(Locale.ROOT).startsWith("P")) {
                String upper = v.toUpperCase(Locale.ROOT);
                return upper.contains("T")
                        ? now.minus(Duration.parse(upper))
                        : now.minus(
                                Duration.ofDays(java.time.Period.parse(upper).getDays()));
            }
            Matcher m = PERIOD.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "d" -> now.minus(Duration.ofDays(n));
                    case "h" -> now.minus(Duration.ofHours(n));
                    default -> now.minus(Duration.ofMinutes(n));
                };
            }
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneId.systemDefault()).toInstant();
            }
            return Instant.parse(v);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new CliException(
                    ExitCodes.USAGE,
                    "--since: \"" + s + "\" is not a date, an instant or a period.",
                    "Use 2026-01-31, 2026-01-31T08:00:00Z, 7d, 12h or P7D.");
        }
    }
}
