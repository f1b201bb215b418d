package dev.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * folders, fetch, watch and send against the emulated Exchange Server, on mailboxes of each test's own
 * (a service account with impersonation, Basic), with mail delivered through the emulator's control API.
 */
class CliMailTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String NORTHWIND = "0b1e0b1e-0000-4000-8000-000000000001";

    @TempDir
    Path home;

    @TempDir
    Path work;

    Emulator emulator;
    Cli cli;
    String address;

    @BeforeEach
    void setUp() {
        emulator = EMULATOR.emulator();
        cli = new Cli(home);
        address = newMailbox("cli");
        cli.env.put(LoginCommand.PASSWORD_ENV, "Ews-Service1!");
        List<String> login = new ArrayList<>(List.of(
                "login", "--basic", "--impersonate", "--user", "ews.service@northwind.local", "--mailbox", address));
        login.addAll(CliSignInTest.emulatorOptions(emulator));
        Cli.Result r = cli.run(login.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    String newMailbox(String prefix) {
        String smtp = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
        emulator.exchange().mailboxes().createMailbox(smtp, "CLI test", NORTHWIND);
        return smtp;
    }

    /** Delivers a message through the control API, as mail from outside would arrive. */
    void deliver(String to, String subject) throws Exception {
        String mime = "From: Sender <sender@example.com>\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello, " + subject + ".\r\n";
        HttpResponse<String> r = control(
                "POST",
                "/mailboxes/" + CliSignInTest.enc(to) + "/deliver?folder=inbox",
                HttpRequest.BodyPublishers.ofString(mime));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    HttpResponse<String> control(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().sslContext(emulator.sslContext()).build();
        return http.send(
                HttpRequest.newBuilder(URI.create(emulator.loginUrl() + "/_emulator/exchange" + path))
                        .header("Content-Type", "message/rfc822")
                        .method(method, body)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode inbox(String smtp) throws Exception {
        return Output.JSON.readTree(control(
                        "GET",
                        "/mailboxes/" + CliSignInTest.enc(smtp) + "/folders/inbox",
                        HttpRequest.BodyPublishers.noBody())
                .body());
    }

    static List<Path> files(Path dir, String ext) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(ext))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void foldersAreATreeWithCounts() throws Exception {
        deliver(address, "one");
        Cli.Result human = cli.run("folders");
        assertThat(human.exit()).as(human.toString()).isZero();
        assertThat(human.out()).contains(address, "  Inbox  (1, 1 unread)", "Sent Items");

        JsonNode json = cli.run("folders", "--json").json();
        assertThat(json.isArray()).isTrue();
        assertThat(json.findValuesAsText("path")).contains("Inbox", "Drafts");
    }

    @Test
    void fetchWritesFilesAndARerunFetchesOnlyWhatIsNew() throws Exception {
        for (int i = 1; i <= 3; i++) {
            deliver(address, "Order #" + i + " / urgent: ok?");
        }
        Path out = work.resolve("mail");
        Cli.Result first = cli.run("fetch", "--folder", "Inbox", "--out", out.toString(), "--json");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().path("fetched").asInt()).isEqualTo(3);
        List<Path> emls = files(out, ".eml");
        assertThat(emls).hasSize(3);
        // Safe names: date, subject words, id hash; nothing a shell or file system trips over.
        assertThat(emls.get(0).getFileName().toString())
                .matches("\\d{8}-\\d{6}_Order-\\d-urgent-ok_[0-9a-f]{10}\\.eml");
        assertThat(Files.readString(emls.get(0))).contains("Subject: Order #", "Hello, Order");
        assertThat(out.resolve(FetchState.FILE)).exists();

        // Again: nothing new, no copies.
        Cli.Result again = cli.run("fetch", "--out", out.toString());
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("Nothing new", "continued from the last run");
        assertThat(files(out, ".eml")).hasSize(3);

        deliver(address, "Order #4");
        JsonNode third = cli.run("fetch", "--out", out.toString(), "--json").json();
        assertThat(third.path("fetched").asInt()).isEqualTo(1);
        assertThat(third.path("resumed").asBoolean()).isTrue();
        assertThat(files(out, ".eml")).hasSize(4);

        // With the state gone, everything is fetched again into the same files: still no duplicates.
        Files.delete(out.resolve(FetchState.FILE));
        assertThat(cli.run("fetch", "--out", out.toString(), "--json")
                        .json()
                        .path("fetched")
                        .asInt())
                .isEqualTo(4);
        assertThat(files(out, ".eml")).hasSize(4);

        // Another folder's fetch is refused in this directory.
        Cli.Result other = cli.run("fetch", "--folder", "Sent Items", "--out", out.toString());
        assertThat(other.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(other.err()).contains("holds a fetch of " + address + " / Inbox", "another --out");
    }

    @Test
    void fetchAsJsonAndSinceAFutureDateFetchesNothing() throws Exception {
        deliver(address, "as json");
        fetchesOneMessageAsJsonAndNothingSinceAFutureDate(cli, work, "as json");

        Cli.Result bad = cli.run("fetch", "--out", work.resolve("bad").toString(), "--since", "last tuesday");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--since", "7d");
    }

    /**
     * With one message in the inbox (subject {@code subject}): {@code --format json} writes it as message JSON,
     * and {@code --since} a date to come skips it. The same over EWS and over Graph.
     */
    static void fetchesOneMessageAsJsonAndNothingSinceAFutureDate(Cli cli, Path work, String subject) throws Exception {
        Path out = work.resolve("json");
        Cli.Result r = cli.run("fetch", "--out", out.toString(), "--format", "json");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<Path> jsons = files(out, ".json").stream()
                .filter(p -> !p.getFileName().toString().startsWith("."))
                .toList();
        assertThat(jsons).hasSize(1);
        JsonNode message = Output.JSON.readTree(Files.readString(jsons.get(0)));
        assertThat(message.path("subject").asText()).isEqualTo(subject);

        Cli.Result none =
                cli.run("fetch", "--out", work.resolve("later").toString(), "--since", "2999-01-01", "--json");
        assertThat(none.json().path("fetched").asInt()).isZero();
        assertThat(none.json().path("skipped").asInt()).isEqualTo(1);
    }

    @Test
    void watchPrintsEachNewMessageAsItArrives() throws Exception {
        Cli.Running watch = cli.start("watch", "--folder", "Inbox", "--json", "--max", "2");
        assertThat(watch.awaitJson("event", "watching", Duration.ofSeconds(30))
                        .path("mode")
                        .asText())
                .isEqualTo("streaming");
        deliver(address, "first while watching");
        watch.awaitJson("subject", "first while watching", Duration.ofSeconds(30));
        deliver(address, "second while watching");
        Cli.Result done = watch.finish(Duration.ofSeconds(30));
        assertThat(done.exit()).as(done.toString()).isZero();
        List<JsonNode> lines = done.jsonLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1).path("event").asText()).isEqualTo("message");
        assertThat(lines.get(1).path("from").asText()).isEqualTo("sender@example.com");
        assertThat(lines.get(2).path("subject").asText()).isEqualTo("second while watching");
    }

    @Test
    void watchFallsBackToPollingAndStopsCleanlyWhenInterrupted() throws Exception {
        deliver(address, "already there");
        // Exchange refuses the subscription (ErrorExceededSubscriptionCount): the watch polls instead.
        HttpResponse<String> limited =
                control("POST", "/notifications/limits", HttpRequest.BodyPublishers.ofString("{\"subscriptions\":0}"));
        assertThat(limited.statusCode()).isEqualTo(200);
        try {
            Cli.Running watch = cli.start("watch", "--interval", "1");
            String said = watch.await(s -> s.contains("polling every 1 s"), Duration.ofSeconds(30));
            assertThat(said).contains("Streaming notifications are not available", "Too many subscriptions");
            deliver(address, "polled");
            watch.await(s -> s.contains("sender@example.com  polled"), Duration.ofSeconds(30));
            Cli.Result stopped = watch.interrupt();
            assertThat(stopped.exit()).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(stopped.out()).doesNotContain("already there");
            assertThat(stopped.err()).doesNotContain("Exception");
        } finally {
            control("POST", "/notifications/reset", HttpRequest.BodyPublishers.noBody());
        }
    }

    @Test
    void sendArrivesInTheRecipientsInbox() throws Exception {
        String to = newMailbox("to");
        Path attachment = work.resolve("invoice.txt");
        Files.writeString(attachment, "Invoice 42");
        Path body = work.resolve("body.txt");
        Files.writeString(body, "Body text from a file");
        Cli.Result sent = cli.run(
                "send",
                "--to",
                to,
                "--subject",
                "Hello from the CLI",
                "--text",
                "@" + body,
                "--attach",
                attachment.toString(),
                "--json");
        assertThat(sent.exit()).as(sent.toString()).isZero();
        assertThat(sent.json().path("messageId").asText()).startsWith("<mb.");
        assertThat(inbox(to).path("subjects").toString()).contains("Hello from the CLI");

        // The copy in Sent Items, fetched with the CLI: the body from the file, the attachment.
        Path sentItems = work.resolve("sent");
        assertThat(cli.run("fetch", "--folder", "Sent Items", "--out", sentItems.toString())
                        .exit())
                .isZero();
        assertThat(Files.readString(files(sentItems, ".eml").get(0)))
                .contains("Body text from a file", "invoice.txt", "X-Mailbridge-Sent");

        String raw = "From: " + address + "\r\nTo: " + to + "\r\nSubject: Raw from stdin\r\n\r\nRaw body\r\n";
        Cli.Result rawSent = cli.runWithInput(raw, "send", "--raw", "-");
        assertThat(rawSent.exit()).as(rawSent.toString()).isZero();
        assertThat(rawSent.out()).contains("Sent from " + address);
        assertThat(inbox(to).path("subjects").toString()).contains("Raw from stdin");

        Cli.Result nobody = cli.run("send", "--subject", "to nobody", "--text", "x");
        assertThat(nobody.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(nobody.err()).contains("No --to, --cc or --bcc");
    }
}
