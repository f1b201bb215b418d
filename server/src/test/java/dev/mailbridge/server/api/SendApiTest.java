package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEntry;
import dev.mailbridge.core.deliver.OutboxEvent;
import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.ops.FindItem;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
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
 * Sending through the server over real HTTP, from Basic (impersonation) mailboxes on the emulator over HTTPS:
 * structured JSON with an attachment, a reply, raw MIME, the rate limit (3 a minute here) as 429 with
 * Retry-After, and bad input as field errors with nothing sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SendApiTest {
    static final String NANCY = "nancy.davolio@northwind.local";
    static final String OWNER = "0b1e0b1e-0000-4000-8000-000000000001";
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
        registry.add("mailbridge.poll-initial-delay", () -> "PT24H");
        registry.add("mailbridge.send.per-minute", () -> "3");
        registry.add("mailbridge.send.max-attachment-bytes", () -> "1000");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    @Autowired
    Outbox outbox;

    @Autowired
    MailboxServices services;

    ApiClient api;
    String writer;
    String reader;
    String connection;
    String targetId;
    String nancy;

    @BeforeEach
    void setUp() throws Exception {
        if (api != null) {
            return;
        }
        api = new ApiClient(port);
        writer = apiKeys.create("send writer", EnumSet.of(ApiKey.Scope.WRITE), "test")
                .value();
        reader = apiKeys.create("send reader", EnumSet.of(ApiKey.Scope.READ), "test")
                .value();
        connection = api.northwindServiceConnection(writer, "Northwind send", emulator());
        // a target that takes message.sent, so the event has a row (nothing listens there; it only queues)
        Reply t = api.post(
                "/api/v1/delivery-targets",
                writer,
                body(
                        "name",
                        "Sent events",
                        "kind",
                        "WEBHOOK",
                        "url",
                        "http://127.0.0.1:9/hook",
                        "eventTypes",
                        List.of("message.sent")));
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        targetId = t.get("target").get("id").asString();
        if (emulator().exchange().store().mailbox(NANCY) == null) {
            emulator().exchange().mailboxes().createMailbox(NANCY, "Nancy Davolio", OWNER);
        }
        nancy = add(NANCY);
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

    /** Adds an emulated mailbox to Mailbridge and tests it green (AUTHORIZED). */
    String add(String address) {
        Reply m = api.post("/api/v1/connections/" + connection + "/mailboxes", writer, body("address", address));
        assertThat(m.status()).as(m.toString()).isEqualTo(201);
        String id = m.text("id");
        Reply test = api.post("/api/v1/mailboxes/" + id + "/test", writer, null);
        assertThat(test.get("passed").asBoolean()).as(test.toString()).isTrue();
        return id;
    }

    /** A new emulated mailbox of this test's own: {address, Mailbridge id}. */
    String[] newMailbox(String prefix) {
        String address = prefix + "." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
        emulator().exchange().mailboxes().createMailbox(address, prefix, OWNER);
        return new String[] {address, add(address)};
    }

    HttpResponse<String> raw(String path, String key, String contentType, String payload) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The messages in a mailbox's folder, read back over EWS. */
    List<MimeMessage> folder(String mailboxId, FolderRef folder) throws Exception {
        EwsClient ews = services.access().ews(UUID.fromString(mailboxId));
        List<MimeMessage> out = new ArrayList<>();
        for (Item item : ews.execute(FindItem.of(folder, 100)).items()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ews.downloadMime(item.id(), b);
            out.add(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(b.toByteArray())));
        }
        return out;
    }

    static MimeMessage bySubject(List<MimeMessage> list, String subject) throws Exception {
        for (MimeMessage m : list) {
            if (subject.equals(m.getSubject())) {
                return m;
            }
        }
        throw new AssertionError("no message with subject " + subject);
    }

    static List<Part> attachments(Part p) throws Exception {
        List<Part> out = new ArrayList<>();
        if (p.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                out.addAll(attachments(mp.getBodyPart(i)));
            }
        } else if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
            out.add(p);
        }
        return out;
    }

    OutboxEntry sentEvent(String mailboxId, String sendId) {
        String key = OutboxEvent.keyOf(EventType.MESSAGE_SENT.wireName(), mailboxId, sendId);
        return outbox.find(UUID.fromString(targetId), key).orElseThrow();
    }

    @Test
    void aStructuredMessageWithAnAttachmentArrivesWithTheMarkerAndACopyInSentItems() throws Exception {
        String[] to = newMailbox("desk");
        String subject = "Order confirmation " + UUID.randomUUID();
        byte[] file = "order,qty\n1001,3\n".getBytes(StandardCharsets.UTF_8);
        int sentBefore = emulator().exchange().store().count(NANCY, "sentitems");
        Reply r = api.post(
                "/api/v1/mailboxes/" + nancy + "/send",
                writer,
                body(
                        "to",
                        List.of(to[0]),
                        "subject",
                        subject,
                        "text",
                        "Your order is confirmed.",
                        "html",
                        "<p>Your order is <b>confirmed</b>.</p>",
                        "importance",
                        "high",
                        "attachments",
                        List.of(body(
                                "name",
                                "order.csv",
                                "contentType",
                                "text/csv",
                                "content",
                                Base64.getEncoder().encodeToString(file)))));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String sendId = r.text("sendId");
        assertThat(sendId).isNotBlank();

        assertThat(emulator().exchange().store().subjects(to[0], "inbox")).containsExactly(subject);
        MimeMessage got = bySubject(folder(to[1], FolderRef.inbox()), subject);
        assertThat(got.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null)).isEqualTo(sendId);
        assertThat(got.getMessageID()).isEqualTo(r.text("messageId"));
        List<Part> atts = attachments(got);
        assertThat(atts).hasSize(1);
        assertThat(atts.get(0).getFileName()).isEqualTo("order.csv");
        assertThat(atts.get(0).getInputStream().readAllBytes()).isEqualTo(file);
        assertThat(emulator().exchange().store().count(NANCY, "sentitems")).isEqualTo(sentBefore + 1);
        assertThat(emulator().exchange().store().subjects(NANCY, "sentitems")).contains(subject);

        OutboxEntry event = sentEvent(nancy, sendId);
        assertThat(event.eventType()).isEqualTo(EventType.MESSAGE_SENT);
        assertThat(event.payload()).contains(subject).contains("order.csv");
    }

    @Test
    void aReplyCarriesInReplyToAndReferences() throws Exception {
        String[] from = newMailbox("agent");
        String[] to = newMailbox("customer");
        String subject = "Broken printer " + UUID.randomUUID();
        Reply r = api.post(
                "/api/v1/mailboxes/" + from[1] + "/send",
                writer,
                body(
                        "to",
                        List.of(to[0]),
                        "subject",
                        subject,
                        "text",
                        "We are on it.",
                        "inReplyTo",
                        "<q.2@example.com>",
                        "references",
                        List.of("<q.1@example.com>")));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        MimeMessage got = bySubject(folder(to[1], FolderRef.inbox()), "Re: " + subject);
        assertThat(got.getHeader("In-Reply-To", null)).isEqualTo("<q.2@example.com>");
        assertThat(got.getHeader("References", null)).isEqualTo("<q.1@example.com> <q.2@example.com>");
        assertThat(got.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null)).isEqualTo(r.text("sendId"));
    }

    @Test
    void rawMimeIsSentWithTheMarker() throws Exception {
        String[] from = newMailbox("raw");
        String[] to = newMailbox("rawto");
        String subject = "Raw " + UUID.randomUUID();
        String mime = "From: " + from[0] + "\r\nTo: " + to[0] + "\r\nSubject: " + subject
                + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRaw body.\r\n";
        HttpResponse<String> r = raw("/api/v1/mailboxes/" + from[1] + "/send-mime", writer, "message/rfc822", mime);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = ApiClient.JSON.readTree(r.body());
        MimeMessage got = bySubject(folder(to[1], FolderRef.inbox()), subject);
        assertThat(got.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null))
                .isEqualTo(json.get("sendId").asString());
        assertThat(emulator().exchange().store().subjects(from[0], "sentitems")).contains(subject);
        sentEvent(from[1], json.get("sendId").asString());

        HttpResponse<String> none =
                raw("/api/v1/mailboxes/" + from[1] + "/send-mime", writer, "message/rfc822", "Subject: x\r\n\r\nx\r\n");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
        assertThat(none.body()).contains("\"field\":\"mime\"");
        HttpResponse<String> noKey = raw("/api/v1/mailboxes/" + from[1] + "/send-mime", null, "message/rfc822", mime);
        assertThat(noKey.statusCode()).isEqualTo(401);
        HttpResponse<String> readOnly =
                raw("/api/v1/mailboxes/" + from[1] + "/send-mime", reader, "message/rfc822", mime);
        assertThat(readOnly.statusCode()).isEqualTo(403);
        assertThat(emulator().exchange().store().count(to[0], "inbox")).isEqualTo(1);
    }

    @Test
    void theFourthMessageWithinAMinuteGets429WithRetryAfter() throws Exception {
        String[] from = newMailbox("burst");
        String[] to = newMailbox("bursto");
        String json =
                ApiClient.JSON.writeValueAsString(body("to", List.of(to[0]), "subject", "Burst", "text", "Hello."));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = raw("/api/v1/mailboxes/" + from[1] + "/send", writer, "application/json", json);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        }
        HttpResponse<String> refused = raw("/api/v1/mailboxes/" + from[1] + "/send", writer, "application/json", json);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(refused.body()).contains("Retry after").contains("retryAt");
        assertThat(emulator().exchange().store().count(to[0], "inbox")).isEqualTo(3);
    }

    @Test
    void badInputGivesFieldErrorsAndSendsNothing() throws Exception {
        String[] from = newMailbox("bad");
        int sentBefore = emulator().exchange().store().count(from[0], "sentitems");
        Reply r = api.post(
                "/api/v1/mailboxes/" + from[1] + "/send",
                writer,
                body(
                        "cc",
                        List.of("not-an-address"),
                        "attachments",
                        List.of(body(
                                "name",
                                "big.bin",
                                "content",
                                Base64.getEncoder().encodeToString(new byte[1001])))));
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        r.get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("cc[0]", "subject", "attachments");

        Reply noRecipient = api.post("/api/v1/mailboxes/" + from[1] + "/send", writer, body("subject", "Hi"));
        assertThat(noRecipient.status()).isEqualTo(400);
        assertThat(noRecipient.body()).contains("\"field\":\"to\"");
        Reply badBase64 = api.post(
                "/api/v1/mailboxes/" + from[1] + "/send",
                writer,
                body(
                        "to",
                        List.of(NANCY),
                        "subject",
                        "x",
                        "attachments",
                        List.of(body("name", "a", "content", "%%%"))));
        assertThat(badBase64.status()).isEqualTo(400);
        assertThat(badBase64.body()).contains("attachments[0].content");
        Reply unknown = api.post(
                "/api/v1/mailboxes/" + UUID.randomUUID() + "/send", writer, body("to", List.of(NANCY), "subject", "x"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(emulator().exchange().store().count(from[0], "sentitems")).isEqualTo(sentBefore);
        assertThat(outbox.counters(UUID.fromString(from[1])).pending()).isZero();
        assertThat(Optional.ofNullable(r.get("detail"))).isPresent();
    }
    /** Receives what is in the mailbox's inbox now and returns the kept messages' JSON (the API's list). */
    JsonNode receiveNow(String mailboxId) {
        assertThat(api.put("/api/v1/mailboxes/" + mailboxId + "/receive", writer, body("enabled", true))
                        .status())
                .isEqualTo(200);
        Reply sync = api.post("/api/v1/mailboxes/" + mailboxId + "/sync", writer, null);
        assertThat(sync.status()).as(sync.toString()).isEqualTo(200);
        return api.get("/api/v1/mailboxes/" + mailboxId + "/messages", reader).json();
    }

    @Test
    void repliesAndForwardsOfReceivedMailGoOutFromThePairedMailboxThreaded() throws Exception {
        String[] desk = newMailbox("desk");
        String[] outgoing = newMailbox("replies");
        String[] customer = newMailbox("customer");
        String[] colleague = newMailbox("colleague");
        String subject = "RE: Printer " + UUID.randomUUID().toString().substring(0, 8);
        String original = "From: Customer <" + customer[0] + ">\r\nTo: " + desk[0] + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <orig.1@example.com>\r\nReferences: <first.0@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nIt is still broken.\r\n";
        emulator().exchange().store().deliver(desk[0], original.getBytes(StandardCharsets.UTF_8));
        long received = receiveNow(desk[1]).get(0).get("id").asLong();

        String settings = "/api/v1/mailboxes/" + desk[1] + "/send-settings";
        Reply self = api.put(settings, writer, body("replyFrom", desk[1]));
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.get("errors").get(0).get("field").asString()).isEqualTo("replyFrom");
        Reply paired = api.put(settings, writer, body("replyFrom", outgoing[1]));
        assertThat(paired.status()).as(paired.toString()).isEqualTo(200);
        assertThat(api.get(settings, reader).text("replyFrom")).isEqualTo(outgoing[1]);

        // a reply: to the original's sender, Re: once, threaded, from the paired mailbox
        Reply reply =
                api.post("/api/v1/mailboxes/" + desk[1] + "/send", writer, body("replyOf", received, "text", "On it."));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        MimeMessage answer = bySubject(folder(customer[1], FolderRef.inbox()), subject);
        assertThat(answer.getHeader("In-Reply-To", null)).isEqualTo("<orig.1@example.com>");
        assertThat(answer.getHeader("References", null)).isEqualTo("<first.0@example.com> <orig.1@example.com>");
        assertThat(((InternetAddress) answer.getFrom()[0]).getAddress()).isEqualTo(outgoing[0]);
        assertThat(emulator().exchange().store().subjects(outgoing[0], "sentitems"))
                .contains(subject);

        // a forward: the original attached as message/rfc822, Fwd: once
        Reply forward = api.post(
                "/api/v1/mailboxes/" + desk[1] + "/send",
                writer,
                body("forwardOf", received, "to", List.of(colleague[0]), "text", "Can you look?"));
        assertThat(forward.status()).as(forward.toString()).isEqualTo(200);
        MimeMessage fwd = bySubject(folder(colleague[1], FolderRef.inbox()), "Fwd: " + subject);
        List<Part> atts = attachments(fwd);
        assertThat(atts).singleElement().satisfies(a -> {
            assertThat(a.isMimeType("message/rfc822")).isTrue();
            assertThat(a.getFileName()).endsWith(".eml");
            MimeMessage inner = (MimeMessage) a.getContent();
            assertThat(inner.getSubject()).isEqualTo(subject);
            assertThat(inner.getMessageID()).isEqualTo("<orig.1@example.com>");
        });
        Reply again = api.post(
                "/api/v1/mailboxes/" + desk[1] + "/send",
                writer,
                body("forwardOf", received, "subject", "Fwd: again", "to", List.of(colleague[0])));
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(emulator().exchange().store().subjects(colleague[0], "inbox"))
                .contains("Fwd: again");

        Reply unknown = api.post(
                "/api/v1/mailboxes/" + desk[1] + "/send", writer, body("replyOf", received + 999, "text", "x"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.get("errors").get(0).get("field").asString()).isEqualTo("replyOf");
        Reply elsewhere =
                api.post("/api/v1/mailboxes/" + customer[1] + "/send", writer, body("replyOf", received, "text", "x"));
        assertThat(elsewhere.get("errors").get(0).get("message").asString())
                .startsWith("No message " + received + " was received in this mailbox");
        Reply both = api.post(
                "/api/v1/mailboxes/" + desk[1] + "/send",
                writer,
                body("replyOf", received, "forwardOf", received, "text", "x"));
        assertThat(both.status()).isEqualTo(400);
    }

    @Test
    void sendAsAndOnBehalfNeedExchangesPermissionElse403() throws Exception {
        String[] agent = newMailbox("agent");
        String[] shared = newMailbox("shared");
        String[] boss = newMailbox("boss");
        String[] to = newMailbox("to");
        String send = "/api/v1/mailboxes/" + agent[1] + "/send";

        Reply denied = api.post(send, writer, body("from", shared[0], "to", List.of(to[0]), "subject", "As shared"));
        assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
        assertThat(denied.text("code")).isEqualTo("ErrorSendAsDenied");
        assertThat(denied.text("fix")).contains("Send As");
        emulator().exchange().store().mailbox(shared[0]).grantSendAs(agent[0]);
        Reply as = api.post(send, writer, body("from", shared[0], "to", List.of(to[0]), "subject", "As shared"));
        assertThat(as.status()).as(as.toString()).isEqualTo(200);
        MimeMessage got = bySubject(folder(to[1], FolderRef.inbox()), "As shared");
        assertThat(((InternetAddress) got.getFrom()[0]).getAddress()).isEqualTo(shared[0]);
        assertThat(got.getHeader("Sender", null)).isNull();

        Reply notDelegate = api.post(
                send, writer, body("from", boss[0], "onBehalf", true, "to", List.of(to[0]), "subject", "For boss"));
        assertThat(notDelegate.status()).as(notDelegate.toString()).isEqualTo(403);
        emulator().exchange().store().mailbox(boss[0]).grantSendOnBehalf(agent[0]);
        Reply behalf = api.post(
                send, writer, body("from", boss[0], "onBehalf", true, "to", List.of(to[0]), "subject", "For boss"));
        assertThat(behalf.status()).as(behalf.toString()).isEqualTo(200);
        MimeMessage forBoss = bySubject(folder(to[1], FolderRef.inbox()), "For boss");
        assertThat(((InternetAddress) forBoss.getFrom()[0]).getAddress()).isEqualTo(boss[0]);
        assertThat(((InternetAddress) forBoss.getSender()).getAddress()).isEqualTo(agent[0]);

        Reply noFrom = api.post(send, writer, body("onBehalf", true, "to", List.of(to[0]), "subject", "x"));
        assertThat(noFrom.status()).isEqualTo(400);
        assertThat(noFrom.get("errors").get(0).get("field").asString()).isEqualTo("onBehalf");
    }
}
