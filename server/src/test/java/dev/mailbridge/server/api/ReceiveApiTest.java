package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.receive.ReceivePipeline;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.ops.CreateFolder;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The receive pipeline through the server, over real HTTP: a delivery target made with the API, a Basic
 * (impersonation) mailbox on the emulator over HTTPS, receive enabled, mail delivered into the emulated
 * mailbox, and a real webhook receiver (the JDK's HTTP server) that checks every {@code
 * Mailbridge-Signature}. Each message arrives once, a forced retry carries the same Idempotency-Key, a
 * 410 sends the event to the dead letters and a replay delivers it, and the scheduler polls on its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiveApiTest {
    static final String OWNER = "0b1e0b1e-0000-4000-8000-000000000001";
    static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
        // short enough for a test to see the scheduler poll by itself, and retries without long waits
        registry.add("mailbridge.poll-interval", () -> "PT0.5S");
        registry.add("mailbridge.poll-initial-delay", () -> "PT0.5S");
        registry.add("mailbridge.delivery.retry-base", () -> "PT0.2S");
        registry.add("mailbridge.delivery.retry-cap", () -> "PT0.5S");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    @Autowired
    MailboxServices services;

    ApiClient api;
    String writer;
    String reader;
    String connection;
    Receiver receiver;
    String targetId;

    /** A webhook receiver: records each request, answers what {@link #answer} says. */
    static final class Receiver implements AutoCloseable {
        record Request(
                String key, String event, String delivery, boolean signatureValid, int answered, JsonNode body) {}

        final List<Request> requests = new CopyOnWriteArrayList<>();
        final AtomicInteger count = new AtomicInteger();
        volatile String secret;
        volatile java.util.function.IntUnaryOperator answer = n -> 204;
        final HttpServer server;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var h = exchange.getRequestHeaders();
                boolean valid = WebhookSignature.verify(
                        secret, h.getFirst(WebhookSignature.HEADER), body, Duration.ofMinutes(5));
                int status = answer.applyAsInt(count.incrementAndGet());
                requests.add(new Request(
                        h.getFirst("Idempotency-Key"),
                        h.getFirst("Mailbridge-Event"),
                        h.getFirst("Mailbridge-Delivery"),
                        valid,
                        status,
                        ApiClient.JSON.readTree(body)));
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<Request> accepted() {
            return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
        }

        Set<String> subjects() {
            return accepted().stream()
                    .map(r -> r.body().get("data").get("subject").asString())
                    .collect(Collectors.toSet());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        if (api == null) {
            api = new ApiClient(port);
            writer = apiKeys.create("receive writer", EnumSet.of(ApiKey.Scope.WRITE), "test")
                    .value();
            reader = apiKeys.create("receive reader", EnumSet.of(ApiKey.Scope.READ), "test")
                    .value();
            connection = api.northwindServiceConnection(writer, "Northwind receive", emulator());
        }
        receiver = new Receiver();
        targetId = webhookTarget(api, writer, receiver);
    }

    /** A webhook target for {@code receiver}, its secret generated by the server and shown once; its ID. */
    static String webhookTarget(ApiClient api, String writer, Receiver receiver) {
        Reply t = api.post(
                "/api/v1/delivery-targets",
                writer,
                body("name", "Help desk " + UUID.randomUUID(), "kind", "WEBHOOK", "url", receiver.url()));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        receiver.secret = t.text("generatedSecret");
        assertThat(receiver.secret).hasSizeGreaterThanOrEqualTo(16);
        assertThat(t.get("target").get("secretSet").asBoolean()).isTrue();
        return t.get("target").get("id").asString();
    }

    @AfterEach
    void tearDown() {
        Reply d = api.delete("/api/v1/delivery-targets/" + targetId, writer);
        assertThat(d.status()).isEqualTo(204);
        assertThat(api.get("/api/v1/delivery-targets/" + targetId, reader).status())
                .isEqualTo(404);
        receiver.close();
    }

    Emulator emulator() {
        return EMULATOR.emulator();
    }

    static Map<String, Object> body(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** A mailbox of this test's own in the emulator and in Mailbridge, tested green (AUTHORIZED). */
    String mailbox(String prefix) {
        return mailbox(api, writer, connection, emulator(), prefix);
    }

    /** A new northwind.local mailbox in the emulator, added to {@code connection} and tested green; its ID. */
    static String mailbox(ApiClient api, String writer, String connection, Emulator emulator, String prefix) {
        String address = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
        emulator.exchange().mailboxes().createMailbox(address, prefix, OWNER);
        Reply m = api.post("/api/v1/connections/" + connection + "/mailboxes", writer, body("address", address));
        assertThat(m.status()).as(m.toString()).isEqualTo(201);
        String id = m.text("id");
        Reply test = api.post("/api/v1/mailboxes/" + id + "/test", writer, null);
        assertThat(test.get("passed").asBoolean()).as(test.toString()).isTrue();
        return id;
    }

    String address(String mailbox) {
        return api.get("/api/v1/mailboxes/" + mailbox, reader).text("address");
    }

    void deliver(String mailbox, String subject) {
        deliver(emulator(), address(mailbox), subject);
    }

    /** A plain message from a customer into {@code to}'s inbox, as if by SMTP. */
    static void deliver(Emulator emulator, String to, String subject) {
        String mime = "From: Customer <customer@example.com>\r\nTo: " + to + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
        emulator.exchange().store().deliver(to, mime.getBytes(StandardCharsets.UTF_8));
    }

    Reply enable(String mailbox, boolean startFromNow) {
        return enable(api, writer, mailbox, startFromNow);
    }

    static Reply enable(ApiClient api, String writer, String mailbox, boolean startFromNow) {
        Reply r = api.put(
                "/api/v1/mailboxes/" + mailbox + "/receive",
                writer,
                body("enabled", true, "startFromNow", startFromNow));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.get("enabled").asBoolean()).isTrue();
        assertThat(r.get("active").asBoolean()).isTrue();
        return r;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, WAIT, condition);
    }

    static void await(String what, Duration wait, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void eachMessageReachesTheWebhookOnceSignedWithTheSameKeyOnRetry() throws Exception {
        receiver.answer = n -> n == 1 ? 500 : 204; // the first request fails: a retry must follow
        String mailbox = mailbox("desk");
        List<String> subjects = List.of("Order 1001", "Question about invoices", "Broken printer");
        subjects.forEach(s -> deliver(mailbox, s));

        Reply off = api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null);
        assertThat(off.status()).as("receiving is off").isEqualTo(409);
        enable(mailbox, false);
        Reply sync = api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null);
        assertThat(sync.status()).as(sync.toString()).isEqualTo(200);
        // the scheduler may have taken some already; together they hand on each message once
        assertThat(sync.get("newMessages").asInt()).isBetween(0, 3);

        await("3 messages accepted", () -> receiver.accepted().size() >= 3);
        Thread.sleep(500); // a duplicate would arrive now
        assertThat(receiver.subjects()).containsExactlyInAnyOrderElementsOf(subjects);
        assertThat(receiver.accepted()).hasSize(3);
        assertThat(receiver.requests).allSatisfy(r -> {
            assertThat(r.signatureValid()).as("signature").isTrue();
            assertThat(r.event()).isEqualTo("message.received");
            assertThat(r.delivery()).isNotBlank();
            assertThat(r.key()).isEqualTo(r.body().get("id").asString());
            assertThat(r.body().get("mailbox_id").asString()).isEqualTo(mailbox);
            String itemId = r.body().get("data").get("itemId").asString();
            assertThat(r.key()).isEqualTo(ReceivePipeline.key(UUID.fromString(mailbox), itemId));
        });
        // the refused first attempt came again with the same key and delivery ID
        Receiver.Request failed = receiver.requests.getFirst();
        assertThat(failed.answered()).isEqualTo(500);
        assertThat(receiver.accepted())
                .filteredOn(r -> r.key().equals(failed.key()))
                .singleElement()
                .satisfies(r -> assertThat(r.delivery()).isEqualTo(failed.delivery()));
        assertThat(receiver.requests).hasSize(4);

        await(
                "counters",
                () -> api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", reader)
                                .get("delivered")
                                .asInt()
                        == 3);
        Reply d = api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", reader);
        assertThat(d.get("pending").asInt()).isZero();
        assertThat(d.get("dead").asInt()).isZero();
        assertThat(d.get("receivedCount").asInt()).isEqualTo(3);
        assertThat(d.text("lastSyncAt")).isNotBlank();
        assertThat(d.text("lastSyncError")).isNull();

        // the target as listed: no secret, only that one is set
        Reply t = api.get("/api/v1/delivery-targets/" + targetId, reader);
        assertThat(t.get("secretSet").asBoolean()).isTrue();
        assertThat(t.body()).doesNotContain(receiver.secret);
        assertThat(api.get("/api/v1/delivery-targets", reader).body())
                .contains(targetId)
                .doesNotContain(receiver.secret);
    }

    @Test
    void aGoneReceiverSendsTheEventToDeadLettersAndReplayDeliversIt() throws Exception {
        receiver.answer = n -> 410;
        String mailbox = mailbox("gone");
        deliver(mailbox, "Lost and found");
        enable(mailbox, false);
        assertThat(api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null)
                        .status())
                .isEqualTo(200);

        await(
                "a dead letter",
                () -> api.get("/api/v1/dead-letters?mailboxId=" + mailbox, reader)
                                .json()
                                .size()
                        == 1);
        JsonNode dead = api.get("/api/v1/dead-letters?mailboxId=" + mailbox, reader)
                .json()
                .get(0);
        assertThat(dead.get("lastStatus").asInt()).isEqualTo(410);
        assertThat(dead.get("eventType").asString()).isEqualTo("message.received");
        assertThat(dead.get("targetId").asString()).isEqualTo(targetId);
        assertThat(receiver.requests).hasSize(1);
        assertThat(api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", reader)
                        .get("dead")
                        .asInt())
                .isEqualTo(1);

        // the receiver is fixed; a replay delivers the event with the same key
        receiver.answer = n -> 204;
        long id = dead.get("id").asLong();
        assertThat(api.post("/api/v1/dead-letters/" + id + "/replay", reader, null)
                        .status())
                .as("READ may not replay")
                .isEqualTo(403);
        Reply replay = api.post("/api/v1/dead-letters/" + id + "/replay", writer, null);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(200);
        await("the replayed event", () -> receiver.accepted().size() == 1);
        assertThat(receiver.accepted().getFirst().key())
                .isEqualTo(receiver.requests.getFirst().key())
                .isEqualTo(dead.get("idempotencyKey").asString());
        assertThat(receiver.requests)
                .allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        await(
                "counters",
                () -> api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", reader)
                                .get("delivered")
                                .asInt()
                        == 1);
        assertThat(api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", reader)
                        .get("dead")
                        .asInt())
                .isZero();
        assertThat(api.get("/api/v1/dead-letters?mailboxId=" + mailbox, reader)
                        .json()
                        .size())
                .isZero();
        assertThat(api.post("/api/v1/dead-letters/" + id + "/replay", writer, null)
                        .status())
                .as("no longer dead")
                .isEqualTo(409);
        assertThat(api.post("/api/v1/dead-letters/999999999/replay", writer, null)
                        .status())
                .isEqualTo(404);
    }

    @Test
    void theSchedulerPollsByItselfAndStartFromNowSkipsOldMail() throws Exception {
        String fresh = mailbox("polled");
        deliver(fresh, "Polled 1");
        deliver(fresh, "Polled 2");
        String later = mailbox("later");
        deliver(later, "Already there");
        enable(fresh, false);
        enable(later, true);

        await(
                "both mailboxes polled",
                () -> receiver.subjects().containsAll(Set.of("Polled 1", "Polled 2"))
                        && api.get("/api/v1/mailboxes/" + later + "/deliveries", reader)
                                        .text("lastSyncAt")
                                != null);
        deliver(later, "Arrived later");
        await("the new message", () -> receiver.subjects().contains("Arrived later"));
        Thread.sleep(1200); // two more polls: nothing else may arrive
        assertThat(receiver.subjects()).containsExactlyInAnyOrder("Polled 1", "Polled 2", "Arrived later");
        assertThat(receiver.accepted()).hasSize(3);
        assertThat(receiver.requests)
                .allSatisfy(r -> assertThat(r.signatureValid()).isTrue());

        Reply settings = api.get("/api/v1/mailboxes/" + later + "/receive", reader);
        assertThat(settings.get("startFromNow").asBoolean()).isTrue();
        Reply disabled = api.put("/api/v1/mailboxes/" + later + "/receive", writer, body("enabled", false));
        assertThat(disabled.get("enabled").asBoolean()).isFalse();
        assertThat(disabled.get("startFromNow").asBoolean()).as("kept").isTrue();
    }

    /** Creates a mail folder in the mailbox (EWS CreateFolder) and maps {@code role} to it through the API. */
    void mapNewFolder(String mailbox, String role, String name) {
        String folderId = services.access()
                .ews(UUID.fromString(mailbox))
                .execute(CreateFolder.of(DistinguishedFolder.MSGFOLDERROOT.ref(), name))
                .single()
                .id()
                .id();
        Reply mapped = api.put(
                "/api/v1/mailboxes/" + mailbox + "/folder-mapping", writer, body("folders", Map.of(role, folderId)));
        assertThat(mapped.status()).as(mapped.toString()).isEqualTo(200);
    }

    @Test
    void afterDeliveryIsKeptAndValidatedAtItsField() {
        String mailbox = mailbox("setting");
        Reply initial = api.get("/api/v1/mailboxes/" + mailbox + "/receive", reader);
        assertThat(initial.text("afterDelivery")).isEqualTo("NONE");

        Reply noFolder = api.put(
                "/api/v1/mailboxes/" + mailbox + "/receive", writer, body("afterDelivery", "MOVE_TO_PROCESSED"));
        assertThat(noFolder.status()).as(noFolder.toString()).isEqualTo(400);
        assertThat(noFolder.get("errors").get(0).get("field").asString()).isEqualTo("afterDelivery");
        assertThat(noFolder.get("errors").get(0).get("message").asString()).contains("Processed");
        Reply unknown = api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("afterDelivery", "SHRED"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.get("errors").get(0).get("field").asString()).isEqualTo("afterDelivery");

        Reply read = api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("afterDelivery", "MARK_READ"));
        assertThat(read.status()).as(read.toString()).isEqualTo(200);
        assertThat(read.text("afterDelivery")).isEqualTo("MARK_READ");
        assertThat(read.get("enabled").asBoolean()).isFalse();
        Reply on = api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", true));
        assertThat(on.text("afterDelivery")).as("kept").isEqualTo("MARK_READ");

        mapNewFolder(mailbox, "PROCESSED", "Processed " + UUID.randomUUID());
        Reply move = api.put(
                "/api/v1/mailboxes/" + mailbox + "/receive", writer, body("afterDelivery", "MOVE_TO_PROCESSED"));
        assertThat(move.status()).as(move.toString()).isEqualTo(200);
        assertThat(api.get("/api/v1/mailboxes/" + mailbox + "/receive", reader).text("afterDelivery"))
                .isEqualTo("MOVE_TO_PROCESSED");
        api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", false));
    }

    @Test
    void afterDeliveryTheOriginalMovesToTheProcessedFolderOnlyOnceAcknowledged() throws Exception {
        receiver.answer = n -> n <= 2 ? 500 : 204; // acknowledged on the third attempt only
        String mailbox = mailbox("processed");
        String address = address(mailbox);
        String processed = "Processed " + UUID.randomUUID().toString().substring(0, 8);
        mapNewFolder(mailbox, "PROCESSED", processed);
        Reply put = api.put(
                "/api/v1/mailboxes/" + mailbox + "/receive",
                writer,
                body("enabled", true, "afterDelivery", "MOVE_TO_PROCESSED"));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        deliver(mailbox, "Handle me");
        assertThat(api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null)
                        .status())
                .isEqualTo(200);

        await("a refused attempt", () -> !receiver.requests.isEmpty());
        // refused: the original stays where it is
        assertThat(emulator().exchange().store().subjects(address, "inbox")).containsExactly("Handle me");
        await(
                "the original in the processed folder",
                () -> emulator().exchange().store().subjects(address, processed).contains("Handle me"));
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(receiver.requests.stream().map(Receiver.Request::answered).toList())
                .containsExactly(500, 500, 204);
        assertThat(emulator().exchange().store().subjects(address, "inbox")).isEmpty();
        Thread.sleep(1200); // more polls: nothing is delivered or moved again
        assertThat(receiver.accepted()).hasSize(1);
        assertThat(emulator().exchange().store().subjects(address, processed)).containsExactly("Handle me");
        api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", false));
    }

    @Test
    void aDeadEventMovesTheOriginalToTheFailedFolder() throws Exception {
        receiver.answer = n -> 410;
        String mailbox = mailbox("failed");
        String address = address(mailbox);
        String failed = "Failed " + UUID.randomUUID().toString().substring(0, 8);
        mapNewFolder(mailbox, "FAILED", failed);
        Reply put = api.put(
                "/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", true, "afterDelivery", "DELETE"));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        deliver(mailbox, "Nobody wants me");

        await(
                "the original in the failed folder",
                () -> emulator().exchange().store().subjects(address, failed).contains("Nobody wants me"));
        assertThat(emulator().exchange().store().subjects(address, "inbox")).isEmpty();
        assertThat(emulator().exchange().store().subjects(address, "deleteditems"))
                .isEmpty();
        api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", false));
    }

    @Test
    void waitForAMessageReturnsTheFirstMatchOrSaysNoneCame() throws Exception {
        String mailbox = mailbox("waiting");
        enable(mailbox, true);
        deliver(mailbox, "Old news"); // before the wait started: not a match
        api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null);

        Thread sender = new Thread(() -> {
            try {
                Thread.sleep(1500);
                deliver(mailbox, "Your code is 424242");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        sender.start();
        Reply found = api.post(
                "/api/v1/mailboxes/" + mailbox + "/messages/wait",
                writer,
                body("from", "customer@example\\.com", "subject", "code is \\d+", "timeoutSeconds", 30));
        sender.join();
        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        assertThat(found.get("message").get("subject").asString()).isEqualTo("Your code is 424242");
        assertThat(found.get("message").get("text").asString()).contains("Hello.");

        Reply none = api.post(
                "/api/v1/mailboxes/" + mailbox + "/messages/wait",
                writer,
                body("subject", "never sent", "timeoutSeconds", 2));
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.text("fix")).contains(address(mailbox));

        Reply badRegex = api.post("/api/v1/mailboxes/" + mailbox + "/messages/wait", writer, body("subject", "("));
        assertThat(badRegex.status()).isEqualTo(400);

        Reply recent = api.get("/api/v1/mailboxes/" + mailbox + "/messages", reader);
        assertThat(recent.json().findValuesAsString("subject")).contains("Your code is 424242");
    }

    @Test
    void badTargetsAreRefusedFieldByField() {
        Reply noUrl = api.post("/api/v1/delivery-targets", writer, body("name", "x", "kind", "WEBHOOK"));
        assertThat(noUrl.status()).isEqualTo(400);
        assertThat(noUrl.get("errors").get(0).get("field").asString()).isEqualTo("url");

        Reply badType = api.post(
                "/api/v1/delivery-targets",
                writer,
                body("name", "y", "kind", "WEBHOOK", "url", receiver.url(), "eventTypes", List.of("message.nope")));
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.get("errors").get(0).get("field").asString()).isEqualTo("eventTypes");

        Reply shortSecret = api.post(
                "/api/v1/delivery-targets",
                writer,
                body("name", "z", "kind", "WEBHOOK", "url", receiver.url(), "secret", "short"));
        assertThat(shortSecret.status()).isEqualTo(400);
        assertThat(shortSecret.get("errors").get(0).get("field").asString()).isEqualTo("secret");

        Reply passwordInUri = api.post(
                "/api/v1/delivery-targets",
                writer,
                body("name", "mq", "kind", "RABBITMQ", "uri", "amqp://guest:guest@127.0.0.1:5672/%2F"));
        assertThat(passwordInUri.status()).isEqualTo(400);
        assertThat(passwordInUri.get("errors").get(0).get("field").asString()).isEqualTo("uri");

        Reply rabbit = api.post(
                "/api/v1/delivery-targets",
                writer,
                body(
                        "name", "Queue " + UUID.randomUUID(),
                        "kind", "RABBITMQ",
                        "uri", "amqp://guest@127.0.0.1:5672/%2F",
                        "password", "guest-password-1",
                        "exchange", "mail",
                        "routingKey", "desk",
                        "eventTypes", List.of("message.failed")));
        assertThat(rabbit.status()).as(rabbit.toString()).isEqualTo(201);
        assertThat(rabbit.text("generatedSecret")).isNull();
        assertThat(rabbit.body()).doesNotContain("guest-password-1");
        JsonNode t = rabbit.get("target");
        assertThat(t.get("exchange").asString()).isEqualTo("mail");
        assertThat(t.get("eventTypes").get(0).asString()).isEqualTo("message.failed");
        assertThat(api.delete("/api/v1/delivery-targets/" + t.get("id").asString(), writer)
                        .status())
                .isEqualTo(204);

        Reply readOnly = api.post(
                "/api/v1/delivery-targets", reader, body("name", "r", "kind", "WEBHOOK", "url", receiver.url()));
        assertThat(readOnly.status()).isEqualTo(403);
    }

    @Test
    void storedRulesDecideWhatIsDeliveredWithTheirLabelAndAttachmentsAreServed() throws Exception {
        String mailbox = mailbox("rules");
        String rules = "/api/v1/mailboxes/" + mailbox + "/rules";
        assertThat(api.get(rules, reader).get("rules").size())
                .as("none by default")
                .isZero();

        // every problem at its field, nothing stored
        Reply bad = api.put(
                rules,
                writer,
                body(
                        "rules",
                        List.of(
                                body("name", "orders", "subjectPattern", "^Order ("),
                                body("name", "ORDERS"),
                                body("name", "x", "headerPattern", "y"))));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        JsonNode errors = bad.get("errors");
        assertThat(errors.size()).isEqualTo(3);
        assertThat(errors.get(0).get("field").asString()).isEqualTo("rules[0].subjectPattern");
        assertThat(errors.get(0).get("message").asString())
                .contains("not a valid regular expression")
                .contains("Unclosed group");
        assertThat(errors.get(1).get("field").asString()).isEqualTo("rules[1].name");
        assertThat(errors.get(2).get("field").asString()).isEqualTo("rules[2].headerName");
        assertThat(api.post(
                                rules + "/validate",
                                writer,
                                body("rules", List.of(body("name", "a", "senderPattern", "["))))
                        .status())
                .isEqualTo(400);
        assertThat(api.get(rules, reader).get("rules").size()).isZero();
        assertThat(api.put(rules, reader, body("rules", List.of())).status())
                .as("READ may not change rules")
                .isEqualTo(403);

        List<Map<String, Object>> set = List.of(
                body(
                        "name",
                        "everything else",
                        "order",
                        2,
                        "label",
                        "other",
                        "ignoredSenders",
                        List.of("spam@example.com")),
                body("name", "orders", "order", 1, "subjectPattern", "^Order \\d+", "label", "order"));
        Reply valid = api.post(rules + "/validate", writer, body("rules", set));
        assertThat(valid.status()).as(valid.toString()).isEqualTo(200);
        assertThat(valid.get("order").toString()).isEqualTo("[\"orders\",\"everything else\"]");
        Reply put = api.put(rules, writer, body("rules", set));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.get("rules").get(1).get("label").asString()).isEqualTo("order");
        assertThat(put.get("rules").get(1).get("skipOwnMail").asBoolean()).isTrue();

        // "test a rule": a sample's decision, with the stored rules or the given ones
        Reply order = api.post(rules + "/test", writer, body("from", "customer@example.com", "subject", "Order 12"));
        assertThat(order.status()).as(order.toString()).isEqualTo(200);
        assertThat(order.get("deliver").asBoolean()).isTrue();
        assertThat(order.text("label")).isEqualTo("order");
        Reply bounce = api.post(
                rules + "/test",
                writer,
                body("mime", "From: MAILER-DAEMON@example.com\nSubject: Undeliverable: Order 12\n"));
        assertThat(bounce.get("deliver").asBoolean()).isFalse();
        assertThat(bounce.text("reason")).contains("loop protection");
        Reply spam = api.post(
                rules + "/test",
                writer,
                body("from", "spam@example.com", "headers", List.of(body("name", "X-Spam", "value", "yes"))));
        assertThat(spam.text("reason")).contains("spam@example.com is ignored");
        Reply tried = api.post(
                rules + "/test",
                writer,
                body("subject", "anything", "rules", List.of(body("name", "none", "subjectPattern", "^nothing$"))));
        assertThat(tried.text("reason")).contains("no rule matched");

        String to = address(mailbox);
        String csv = "pos;amount\r\n1;100.00\r\n";
        String withAttachment = "From: Customer <customer@example.com>\r\nTo: " + to
                + "\r\nSubject: Order 77\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the list.\r\n"
                + "--b1\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"..\\\\evil\\\"name.csv\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(csv.getBytes(StandardCharsets.UTF_8))
                + "\r\n--b1--\r\n";
        emulator().exchange().store().deliver(to, withAttachment.getBytes(StandardCharsets.UTF_8));
        emulator()
                .exchange()
                .store()
                .deliver(
                        to,
                        ("From: spam@example.com\r\nTo: " + to + "\r\nSubject: Cheap\r\n\r\nBuy.\r\n")
                                .getBytes(StandardCharsets.UTF_8));
        enable(mailbox, false);
        assertThat(api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null)
                        .status())
                .isEqualTo(200);
        await("the order", () -> receiver.accepted().size() == 1);
        Thread.sleep(300); // the skipped one would arrive now
        assertThat(receiver.accepted()).singleElement().satisfies(r -> {
            JsonNode data = r.body().get("data");
            assertThat(data.get("subject").asString()).isEqualTo("Order 77");
            assertThat(data.get("label").asString()).isEqualTo("order");
            assertThat(data.get("rule").asString()).isEqualTo("orders");
            assertThat(data.get("attachments").get(0).get("size").asLong()).isEqualTo(csv.length());
        });
        JsonNode data = receiver.accepted().getFirst().body().get("data");
        long id = data.get("receivedId").asLong();
        Reply kept = api.get("/api/v1/messages/" + id, reader);
        assertThat(kept.get("message").get("subject").asString()).isEqualTo("Order 77");
        JsonNode recent =
                api.get("/api/v1/mailboxes/" + mailbox + "/messages", reader).json();
        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.get(0).get("decision").asString()
                        + recent.get(1).get("decision").asString())
                .contains("spam@example.com is ignored")
                .contains("rule 'orders' matched");

        var http = java.net.http.HttpClient.newHttpClient();
        var attachment = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                "http://127.0.0.1:" + port + "/api/v1/messages/" + id + "/attachments/0"))
                        .header("Authorization", "Bearer " + reader)
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(attachment.statusCode()).isEqualTo(200);
        assertThat(attachment.body()).isEqualTo(csv);
        assertThat(attachment.headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/csv");
        assertThat(attachment.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment;")
                .contains("evil_name.csv")
                .doesNotContain("..")
                .doesNotContain("\\\\");
        Reply none = api.get("/api/v1/messages/" + id + "/attachments/3", reader);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(none.text("detail")).contains("has no attachment 3");
        assertThat(api.get("/api/v1/messages/987654321/attachments/0", reader).text("detail"))
                .contains("No received message with ID 987654321");
    }
}
