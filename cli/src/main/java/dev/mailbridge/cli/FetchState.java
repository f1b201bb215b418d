package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code fetch} keeps in its output folder ({@value #FILE}): which mailbox and folder it holds, and
 * where to continue after the last page whose messages were all written, so a re-run (after Ctrl-C, a
 * dropped network, or tomorrow) continues from there: Exchange's SyncState over EWS, Graph's nextLink or
 * deltaLink over Microsoft Graph. The two are kept apart, so that a profile that changed transport never
 * hands one protocol the other's state. Written atomically after each page.
 */
final class FetchState {
    static final String FILE = ".mailbridge-fetch.json";

    final Path dir;
    final String mailbox;
    final String folder;
    final String format;
    final Optional<Instant> since;
    /** EWS: SyncFolderItems' SyncState. */
    String syncState;
    /** Microsoft Graph: the nextLink (in the middle of a round) or the deltaLink (a round complete). */
    String graphLink;

    long fetched;

    private FetchState(Path dir, String mailbox, String folder, String format, Optional<Instant> since) {
        this.dir = dir;
        this.mailbox = mailbox;
        this.folder = folder;
        this.format = format;
        this.since = since;
    }

    static FetchState fresh(Path dir, String mailbox, String folder, String format, Optional<Instant> since) {
        return new FetchState(dir, mailbox, folder, format, since);
    }

    static Optional<FetchState> load(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode j = Output.JSON.readTree(Files.readString(file));
            FetchState s = new FetchState(
                    dir,
                    j.path("mailbox").asText(),
                    j.path("folder").asText(),
                    j.path("format").asText("eml"),
                    j.hasNonNull("since")
                            ? Optional.of(Instant.parse(j.get("since").asText()))
                            : Optional.empty());
            s.syncState = j.hasNonNull("syncState") ? j.get("syncState").asText() : null;
            s.graphLink = j.hasNonNull("graphLink") ? j.get("graphLink").asText() : null;
            s.fetched = j.path("fetched").asLong();
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            throw new CliException(
                    ExitCodes.LOCAL,
                    file + " cannot be read (" + e.getClass().getSimpleName() + ").",
                    "Delete it to fetch the folder again from the start (files already there are not duplicated).");
        }
    }

    /** Where this transport's fetch continues; null: from the start. */
    String state(boolean graph) {
        return graph ? graphLink : syncState;
    }

    /** The other transport's state: the folder was fetched before the profile changed transport. */
    String otherState(boolean graph) {
        return graph ? syncState : graphLink;
    }

    void save() {
        ObjectNode j = Output.object();
        j.put("version", 2);
        j.put("mailbox", mailbox);
        j.put("folder", folder);
        j.put("format", format);
        since.ifPresent(s -> j.put("since", s.toString()));
        j.put("syncState", syncState);
        j.put("graphLink", graphLink);
        j.put("fetched", fetched);
        j.put("savedAt", Instant.now().toString());
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".new");
        try {
            Files.writeString(tmp, Output.write(j), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fetch state in " + file, e);
        }
    }
}
