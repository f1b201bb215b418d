package dev.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.graph.RestIds;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.emulator.junit.SignInBrowser.Person;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command over Microsoft Graph (Exchange Online after EWS's retirement): an app-only profile on the
 * emulator's Contoso tenant with {@code --transport graph}, a mailbox of each test's own, mail delivered into
 * the emulated store.
 */
class CliGraphTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String TENANT = "contoso.onmicrosoft.com";
    static final String CONTOSO = "c0a7c0a7-0000-4000-8000-000000000001";
    static final String APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String APP_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";

    @TempDir
    Path home;

    @TempDir
    Path work;

    Emulator emulator;
    Cli cli;
    String address;
    Cli.Result login;

    @BeforeEach
    void setUp() {
        emulator = EMULATOR.emulator();
        cli = new Cli(home);
        cli.env.put(LoginCommand.SECRET_ENV, APP_SECRET);
        address = newMailbox("graph");
        login = cli.run(login(address, "--json"));
        assertThat(login.exit()).as(login.toString()).isZero();
    }

    @AfterEach
    void resetThrottling() {
        emulator.graph().throttle().reset();
    }

    String[] login(String mailbox, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "login",
                "--app-only",
                "--transport",
                "graph",
                "--mailbox",
                mailbox,
                "--tenant",
                TENANT,
                "--client-id",
                APP,
                "--authority",
                emulator.loginUrl().toString(),
                "--graph-url",
                emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL).toString(),
                "--trust-ca",
                emulator.caCertificate().toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    String newMailbox(String prefix) {
        String upn = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@" + TENANT;
        emulator.entra()
                .directory()
                .createUser(TENANT, JsonNodeFactory.instance.objectNode().put("upn", upn));
        emulator.exchange().mailboxes().createMailbox(upn, "CLI Graph test", CONTOSO);
        return upn;
    }

    /** Delivered into the inbox as mail from outside; returns the message's Graph id. */
    String deliver(String to, String subject) {
        String mime = "From: Sender <sender@example.com>\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello, " + subject + ".\r\n";
        return RestIds.toRest(emulator.exchange().store().deliver(to, mime.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void loginSavesAGraphProfileThatChecksGreenAndListsFolders() throws Exception {
        assertThat(login.json().path("transport").asText()).isEqualTo("graph");
        assertThat(login.json().path("mode").asText()).isEqualTo("app-only");

        JsonNode profile = cli.run("profiles", "--json").json().get(0);
        assertThat(profile.path("transport").asText()).isEqualTo("graph");
        assertThat(profile.path("graphUrl").asText()).endsWith("/v1.0");
        assertThat(cli.run("profiles").out()).contains("Microsoft Graph");

        Cli.Result check = cli.run("check");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("[ok]   Graph host", "over Microsoft Graph");

        deliver(address, "one");
        Cli.Result folders = cli.run("folders");
        assertThat(folders.exit()).as(folders.toString()).isZero();
        assertThat(folders.out()).contains(address, "  Inbox  (1, 1 unread)", "Sent Items");
        JsonNode json = cli.run("folders", "--json").json();
        assertThat(json.findValuesAsText("path")).contains("Inbox", "Drafts");

        // Basic has no Graph: refused before anything is saved over it.
        Cli.Result basic = cli.run("login", "--basic", "--transport", "graph", "--mailbox", address, "-p", "basic");
        assertThat(basic.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(basic.err()).contains("Microsoft Graph accepts only OAuth", "--transport ews");
        Cli.Result stray = cli.run(
                "login", "--app-only", "--mailbox", address, "--graph-url", "https://localhost/v1.0", "-p", "x");
        assertThat(stray.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(stray.err()).contains("--graph-url is for a Microsoft Graph profile", "--transport graph");

        Cli.Result help = cli.run("login", "--help");
        assertThat(help.out()).contains("--transport=TRANSPORT", "--graph-url=URL");
        assertThat(cli.run("completion", "bash").out()).contains("--transport", "--graph-url");
    }

    @Test
    void browserLoginOverGraphSignsInAUserWhoseMailboxIsReachedOverGraph() throws Exception {
        // Delegated with the web app (it holds Graph's Mail.ReadWrite and Mail.Send), its secret from the env.
        List<String> args = new ArrayList<>(List.of(login(CliSignInTest.ADELE, "-p", "adele", "--json")));
        args.set(args.indexOf("--app-only"), "--browser");
        args.addAll(List.of("--no-open", "--with-client-secret"));
        Cli.Running running = cli.start(args.toArray(String[]::new));
        JsonNode started = running.awaitJson("event", "browser", Duration.ofSeconds(30));
        String redirect = started.path("redirectUri").asText();
        Map<String, String> callback = new SignInBrowser(emulator.sslContext())
                .signIn(
                        URI.create(started.path("authorizationUrl").asText()),
                        redirect,
                        Person.of(CliSignInTest.ADELE, CliSignInTest.ADELE_PASSWORD))
                .params();
        String query = callback.entrySet().stream()
                .map(e -> CliSignInTest.enc(e.getKey()) + "=" + CliSignInTest.enc(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(redirect + "/?" + query))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        Cli.Result done = running.finish(Duration.ofSeconds(30));
        assertThat(done.exit()).as(done.toString()).isZero();
        assertThat(done.jsonLines().get(1).path("transport").asText()).isEqualTo("graph");
        assertThat(done.jsonLines().get(1).path("signedInAs").asText()).isEqualTo(CliSignInTest.ADELE);

        Cli.Result check = cli.run("check", "-p", "adele");
        assertThat(check.exit()).as(check.toString()).isZero();
        assertThat(check.out()).contains("[ok]   Graph host", "Connection OK");
        Cli.Result folders = cli.run("folders", "-p", "adele");
        assertThat(folders.exit()).as(folders.toString()).isZero();
        assertThat(folders.out()).contains(CliSignInTest.ADELE, "  Inbox  (");
    }

    @Test
    void fetchOverGraphWritesFilesResumesAfterAFailureAndNeverDuplicates() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ids.add(deliver(address, "Order #" + i + " / urgent: ok?"));
        }
        Path out = work.resolve("mail");
        // Pages of two; each Graph request answered slowly, so the fetch is still running after its first page.
        emulator.graph().throttle().delay(400);
        Cli.Running first = cli.start("fetch", "--out", out.toString(), "--page-size", "2", "--json");
        Path state = out.resolve(FetchState.FILE);
        first.await(s -> stateHasNextLink(state), Duration.ofSeconds(60));
        // Graph now throttles this mailbox for longer than the client's retry budget: the fetch stops part-way.
        emulator.graph().throttle().throttle(address, 1000, 600);
        Cli.Result failed = first.finish(Duration.ofSeconds(90));
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(ExitCodes.EWS);
        JsonNode error = Output.JSON.readTree(failed.err().strip()).path("error");
        assertThat(error.path("message").asText()).contains("throttling", "HTTP 429");
        assertThat(error.path("fix").asText()).contains("try again later");
        int before = files(out, ".eml").size();
        assertThat(before).isBetween(2, 4);
        assertThat(Files.readString(state)).contains("\"graphLink\":\"https://").contains("\"syncState\":null");

        emulator.graph().throttle().reset();
        Cli.Result resumed = cli.run("fetch", "--out", out.toString(), "--page-size", "2", "--json");
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        JsonNode r = resumed.json();
        assertThat(r.path("resumed").asBoolean()).isTrue();
        assertThat(r.path("transport").asText()).isEqualTo("graph");
        // Continued after the last saved page, not from the start.
        assertThat(r.path("fetched").asInt()).isBetween(1, 3);
        List<Path> emls = files(out, ".eml");
        assertThat(emls).hasSize(5);
        assertThat(emls.get(0).getFileName().toString())
                .matches("\\d{8}-\\d{6}_Order-\\d-urgent-ok_[0-9a-f]{10}\\.eml");
        assertThat(Files.readString(emls.get(0))).contains("Subject: Order #", "Hello, Order");
        // Named by the EWS form of the id: the same files as a fetch over EWS.
        String ews = ids.get(0).replace('-', '/').replace('_', '+');
        assertThat(emls.stream().map(p -> p.getFileName().toString()))
                .anyMatch(n -> n.contains(FetchCommand.hash(ews).substring(0, 10)));

        Cli.Result again = cli.run("fetch", "--out", out.toString());
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("Nothing new", "continued from the last run");

        deliver(address, "Order #6");
        assertThat(cli.run("fetch", "--out", out.toString(), "--json")
                        .json()
                        .path("fetched")
                        .asInt())
                .isEqualTo(1);
        assertThat(files(out, ".eml")).hasSize(6);

        // The state gone: everything again, into the same files.
        Files.delete(state);
        assertThat(cli.run("fetch", "--out", out.toString(), "--json")
                        .json()
                        .path("fetched")
                        .asInt())
                .isEqualTo(6);
        assertThat(files(out, ".eml")).hasSize(6);
    }

    @Test
    void fetchOverGraphAsJsonSinceAndAnUnknownFolder() throws Exception {
        deliver(address, "as json");
        CliMailTest.fetchesOneMessageAsJsonAndNothingSinceAFutureDate(cli, work, "as json");

        Cli.Result unknown = cli.run(
                "fetch", "--folder", "Nowhere/Else", "--out", work.resolve("x").toString());
        assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("no folder \"Nowhere/Else\"", "Inbox");
    }

    @Test
    void aFolderFetchedOverEwsIsFetchedAgainOverGraphIntoTheSameFiles() throws Exception {
        deliver(address, "before the switch");
        Path out = work.resolve("switched");
        assertThat(cli.run("fetch", "--out", out.toString()).exit()).isZero();
        // As if the folder had been fetched over EWS: only an EWS SyncState in the state file.
        Path state = out.resolve(FetchState.FILE);
        JsonNode saved = Output.JSON.readTree(Files.readString(state));
        ((com.fasterxml.jackson.databind.node.ObjectNode) saved)
                .put("syncState", "H4sIAAAAAAAEAO29B2AcSZYlJi9tynt")
                .putNull("graphLink");
        Files.writeString(state, Output.write(saved));

        Cli.Result r = cli.run("fetch", "--out", out.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).contains("was fetched over EWS", "not duplicated");
        assertThat(r.out()).contains("Fetched 1 new message").doesNotContain("continued");
        assertThat(files(out, ".eml")).hasSize(1);
        // Both kinds kept: the EWS state stays for EWS, Graph has its own.
        JsonNode after = Output.JSON.readTree(Files.readString(state));
        assertThat(after.path("syncState").asText()).isEqualTo("H4sIAAAAAAAEAO29B2AcSZYlJi9tynt");
        assertThat(after.path("graphLink").asText()).contains("deltatoken");
    }

    @Test
    void watchPollsGraphAndPrintsEachNewMessageOnce() throws Exception {
        deliver(address, "already there");
        Cli.Running watch = cli.start("watch", "--json", "--interval", "1", "--max", "2");
        JsonNode watching = watch.awaitJson("event", "watching", Duration.ofSeconds(30));
        assertThat(watching.path("mode").asText()).isEqualTo("polling");
        assertThat(watching.path("transport").asText()).isEqualTo("graph");
        assertThat(watching.path("intervalSeconds").asInt()).isEqualTo(1);
        String id = deliver(address, "first while watching");
        JsonNode first = watch.awaitJson("subject", "first while watching", Duration.ofSeconds(30));
        assertThat(first.path("itemId").asText()).isEqualTo(id);
        assertThat(first.path("from").asText()).isEqualTo("sender@example.com");
        deliver(address, "second while watching");
        Cli.Result done = watch.finish(Duration.ofSeconds(30));
        assertThat(done.exit()).as(done.toString()).isZero();
        List<JsonNode> lines = done.jsonLines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2).path("subject").asText()).isEqualTo("second while watching");
        assertThat(done.out()).doesNotContain("already there");
    }

    @Test
    void watchAsTextStopsCleanlyWhenInterrupted() throws Exception {
        Cli.Running watch = cli.start("watch", "--interval", "1");
        watch.await(s -> s.contains("polling Microsoft Graph"), Duration.ofSeconds(30));
        Thread.sleep(1500); // past the first round, so the message is new to it
        deliver(address, "polled");
        watch.await(s -> s.contains("sender@example.com  polled"), Duration.ofSeconds(30));
        deliver(address, "polled again");
        watch.await(s -> s.contains("sender@example.com  polled again"), Duration.ofSeconds(30));
        Cli.Result stopped = watch.interrupt();
        assertThat(stopped.exit()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(stopped.err()).doesNotContain("Exception");
        // Said once, on standard error: why it polls.
        assertThat(stopped.err().split("public HTTPS endpoint", -1)).hasSize(2);
        assertThat(stopped.err()).contains("polling Microsoft Graph every 1 s");
        assertThat(stopped.out().split("polled", -1)).hasSize(3);
    }

    @Test
    void sendOverGraphArrivesAndItsCopyIsFetchedFromSentItems() throws Exception {
        String to = newMailbox("to");
        Path attachment = work.resolve("invoice.txt");
        Files.writeString(attachment, "Invoice 42");
        Cli.Result sent = cli.run(
                "send",
                "--to",
                to,
                "--subject",
                "Hello over Graph",
                "--text",
                "Body over Graph",
                "--attach",
                attachment.toString(),
                "--json");
        assertThat(sent.exit()).as(sent.toString()).isZero();
        assertThat(emulator.exchange().store().subjects(to, "inbox")).contains("Hello over Graph");

        Path sentItems = work.resolve("sent");
        Cli.Result fetched = cli.run("fetch", "--folder", "Sent Items", "--out", sentItems.toString());
        assertThat(fetched.exit()).as(fetched.toString()).isZero();
        assertThat(Files.readString(files(sentItems, ".eml").get(0)))
                .contains("Body over Graph", "invoice.txt", "X-Mailbridge-Sent");

        String raw = "From: " + address + "\r\nTo: " + to + "\r\nSubject: Raw over Graph\r\n\r\nRaw body\r\n";
        Cli.Result rawSent = cli.runWithInput(raw, "send", "--raw", "-");
        assertThat(rawSent.exit()).as(rawSent.toString()).isZero();
        assertThat(emulator.exchange().store().subjects(to, "inbox")).contains("Raw over Graph");
    }

    @Test
    void aGraphRefusalIsAProblemWithWhatToDo() throws Exception {
        // A mailbox Graph does not know (no such user): 404 ErrorInvalidUser, explained, exit code 4.
        Cli.Result other =
                cli.run(login("nobody." + UUID.randomUUID().toString().substring(0, 8) + "@" + TENANT, "-p", "nobody"));
        assertThat(other.exit()).as(other.toString()).isZero();
        Cli.Result r =
                cli.run("fetch", "-p", "nobody", "--out", work.resolve("n").toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.EWS);
        JsonNode error = Output.JSON.readTree(r.err().strip()).path("error");
        assertThat(error.path("message").asText()).contains("HTTP 404");
        assertThat(error.path("fix").asText()).isNotBlank();
        assertThat(error.path("message").asText())
                .doesNotContain(error.path("fix").asText());
    }

    private static boolean stateHasNextLink(Path state) {
        try {
            return Files.exists(state) && Files.readString(state).contains("skiptoken");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static List<Path> files(Path dir, String ext) throws Exception {
        return CliMailTest.files(dir, ext);
    }
}
