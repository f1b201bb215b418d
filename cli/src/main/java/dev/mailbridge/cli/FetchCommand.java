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
import java.io.IOException;
import java.io.InputStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailbridge fetch}: a folder's messages to files, resumable. SyncFolderItems lists what is new
 * since the stored state; MimeDownload streams the MIME with several requests in flight; each page's
 * files are complete before its state is saved, and a file's name comes from its item id, so a re-run
 * after an interruption rewrites the same files rather than adding copies.
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
    /** SyncFolderItems page size: a smaller page than Exchange's 512 saves the state more often. */
    static final int PAGE = 100;

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

    @Override
    int run(CliState state, Output out) throws IOException {
        Profile p = state.profile(root.profile());
        Optional<Instant> from =
                Optional.ofNullable(since).map(s -> parseSince(s, state.clock().instant()));
        Files.createDirectories(dir);
        FetchState fetch = FetchState.load(dir)
                .map(s -> resumable(s, p))
                .orElseGet(() -> FetchState.fresh(dir, p.mailbox().address(), folder, format.name(), from));
        boolean resuming = fetch.syncState != null;
        if (resuming && from.isPresent() && !from.equals(fetch.since)) {
            out.note("Continuing the earlier fetch into " + dir + "; --since applies only to a new fetch.");
        }
        Format fileFormat = Format.valueOf(fetch.format);

        EwsClient ews = state.services().access().ews(p.mailbox().id());
        FolderRef ref = Folders.resolve(state, p.mailbox(), folder);
        Progress progress = new Progress(out.err(), root.environment().tty() && !out.json(), "messages");
        if (!resuming) {
            progress.total(ews.folder(ref).totalCount());
        }
        Path partial = dir.resolve(".mailbridge-partial");
        Files.createDirectories(partial);

        MimeParser parser = new MimeParser();
        MimeDownload download = MimeDownload.builder(ews).build();
        int[] written = {0};
        int[] skipped = {0};
        List<String> files = new ArrayList<>();
        ItemSync.Result result = ItemSync.run(
                ews,
                new SyncFolderItems(ref, ItemShape.defaults(), fetch.syncState, List.of(), PAGE, false),
                new ItemSync.Handler() {
                    @Override
                    public void page(List<ItemChange> changes, String newSyncState) {
                        Map<String, String> names = new HashMap<>();
                        List<ItemId> ids = new ArrayList<>();
                        for (ItemChange c : changes) {
                            if (c instanceof ItemChange.Create create && wanted(create.item(), fetch.since)) {
                                ids.add(create.itemId());
                                names.put(create.itemId().id(), fileName(create.item(), fileFormat));
                            } else if (c instanceof ItemChange.Create) {
                                skipped[0]++;
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
                                                files.add(name);
                                                written[0]++;
                                            } else {
                                                // Deleted since it was listed (ErrorItemNotFound): nothing to keep.
                                                delete(temp);
                                                skipped[0]++;
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
        progress.finish();
        delete(partial);

        ObjectNode json = Output.object();
        json.put("mailbox", p.mailbox().address());
        json.put("folder", folder);
        json.put("out", dir.toAbsolutePath().toString());
        json.put("format", fileFormat.name());
        json.put("fetched", written[0]);
        json.put("skipped", skipped[0]);
        json.put("resumed", resuming);
        json.put("restarted", result.restarted());
        json.putPOJO("files", files);
        out.json(json);
        out.line((written[0] == 0
                        ? "Nothing new"
                        : "Fetched " + written[0] + " new message" + (written[0] == 1 ? "" : "s"))
                + " from " + folder + " into " + dir + (resuming ? " (continued from the last run)." : "."));
        return ExitCodes.OK;
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

    private static boolean wanted(Item item, Optional<Instant> since) {
        return since.isEmpty()
                || item.dateTimeReceived() == null
                || !item.dateTimeReceived().isBefore(since.get());
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
        Instant at = item.dateTimeReceived() != null ? item.dateTimeReceived() : Instant.EPOCH;
        String subject = item.subject() == null ? "" : item.subject();
        String slug = java.text.Normalizer.normalize(subject, java.text.Normalizer.Form.NFKD)
                .replaceAll("[^A-Za-z0-9]+", "-")
                .replaceAll("(^-+|-+$)", "");
        if (slug.length() > 40) {
            slug = slug.substring(0, 40).replaceAll("-+$", "");
        }
        return STAMP.format(at) + "_" + (slug.isEmpty() ? "no-subject" : slug) + "_"
                + hash(item.id().id()).substring(0, 10) + "." + format.name();
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
