package dev.mailbridge.core.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailbridge.core.connect.ContosoApp;
import dev.mailbridge.core.connect.FieldError;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.NorthwindService;
import dev.mailbridge.core.connect.ValidationException;
import dev.mailbridge.core.deliver.DeliveryTarget;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.EventType;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxEntry;
import dev.mailbridge.core.message.ReceivedMessage;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.ops.FindItem;
import dev.mailbridge.graph.DeltaPage;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.http.HttpSettings;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sending through the emulator over HTTPS on both transports: EWS as nancy.davolio on the Exchange Server
 * tenant (Basic with impersonation), Graph as a new Contoso user (app-only, Mail.Send).
 */
@ParameterizedClass
@EnumSource(Transport.class)
class MailSenderTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String NANCY = "nancy.davolio@northwind.local";
    static final String OWNER = "0b1e0b1e-0000-4000-8000-000000000001";

    @Parameter
    Transport transport;

    Emulator emulator;
    String from;
    Stores stores;
    MailboxServices services;
    Outbox outbox;
    DeliveryTarget target;
    UUID connection;
    Mailbox nancy;
    String recipient;
    Mailbox recipientMailbox;

    @BeforeEach
    void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        emulator.exchange().faults().reset();
        if (transport == Transport.GRAPH) {
            from = ContosoApp.newMailbox(emulator, "sender");
            recipient = ContosoApp.newMailbox(emulator, "send");
        } else {
            from = NANCY;
            if (emulator.exchange().store().mailbox(NANCY) == null) {
                emulator.exchange().mailboxes().createMailbox(NANCY, "Nancy Davolio", OWNER);
            }
            recipient = "send." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
            emulator.exchange().mailboxes().createMailbox(recipient, "Send test", OWNER);
        }

        stores = new Stores(
                TestDatabases.open(TestDatabases.Kind.H2), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        services = new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
        outbox = new Outbox(stores.database(), emulator.clock());
        target = new DeliveryTargetStore(stores.database(), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock())
                .create(DeliveryTargetStore.Settings.webhook(
                        "hook", "https://hooks.example.com/x", Secret.of("0123456789abcdef0123")));
        connection = transport == Transport.GRAPH
                ? ContosoApp.connection(services, emulator, Transport.GRAPH)
                : NorthwindService.connection(services, emulator);
        nancy = services.connections().addMailbox(connection, from, Optional.empty(), "test");
        recipientMailbox = services.connections().addMailbox(connection, recipient, Optional.empty(), "test");
    }

    @org.junit.jupiter.api.AfterEach
    void realTime() {
        emulator.clock().reset();
    }

    MailSender sender(int perMinute) {
        return new MailSender(services, outbox, emulator.clock(), MailSender.Options.DEFAULT.withPerWindow(perMinute));
    }

    /** The MIME of every item in a folder ("inbox", "sentitems") of a mailbox, read back over the transport. */
    List<MimeMessage> folder(Mailbox m, String folder) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        if (transport == Transport.GRAPH) {
            GraphClient graph = services.access().graph(m.id());
            for (DeltaPage.Change c : graph.delta(folder, null, 100).changes()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                graph.downloadMime(c.id(), b);
                raw.add(b.toByteArray());
            }
        } else {
            EwsClient ews = services.access().ews(m.id());
            FindItem.Page page = ews.execute(FindItem.of(
                    (folder.equals("inbox") ? DistinguishedFolder.INBOX : DistinguishedFolder.SENTITEMS).ref(), 100));
            for (Item item : page.items()) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                ews.downloadMime(item.id(), b);
                raw.add(b.toByteArray());
            }
        }
        List<MimeMessage> out = new ArrayList<>();
        for (byte[] b : raw) {
            out.add(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(b)));
        }
        return out;
    }

    static Optional<MimeMessage> bySubject(List<MimeMessage> list, String subject) throws Exception {
        for (MimeMessage m : list) {
            if (subject.equals(m.getSubject())) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
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

    @Test
    void aStructuredMessageWithAnAttachmentArrivesMarkedAndACopyIsInSentItems() throws Exception {
        int sentBefore = emulator.exchange().store().count(from, "sentitems");
        byte[] pdf = "%PDF-1.4 pretend".getBytes(StandardCharsets.US_ASCII);
        String subject = "Invoice " + UUID.randomUUID();
        SendResult r = sender(30)
                .send(
                        nancy.id(),
                        OutgoingMessage.builder()
                                .to(recipient)
                                .cc("someone.outside@example.com")
                                .subject(subject)
                                .text("Please find the invoice attached.")
                                .html("<p>Please find the invoice <b>attached</b>.</p>")
                                .attach("invoice.pdf", "application/pdf", pdf)
                                .importance(OutgoingMessage.Importance.HIGH)
                                .replyTo("billing@northwind.local")
                                .build());

        assertThat(emulator.exchange().store().subjects(recipient, "inbox")).containsExactly(subject);
        MimeMessage got = bySubject(folder(recipientMailbox, "inbox"), subject).orElseThrow();
        assertThat(got.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null)).isEqualTo(r.sendId());
        assertThat(got.getHeader("Importance", null)).isEqualTo("High");
        assertThat(got.getMessageID()).isEqualTo(r.messageId());
        assertThat(got.getReplyTo()[0].toString()).isEqualTo("billing@northwind.local");
        List<Part> atts = attachments(got);
        assertThat(atts).hasSize(1);
        assertThat(atts.get(0).getFileName()).isEqualTo("invoice.pdf");
        assertThat(atts.get(0).getContentType()).startsWith("application/pdf");
        assertThat(atts.get(0).getInputStream().readAllBytes()).isEqualTo(pdf);

        assertThat(emulator.exchange().store().count(from, "sentitems")).isEqualTo(sentBefore + 1);
        assertThat(emulator.exchange().store().subjects(from, "sentitems")).contains(subject);
        MimeMessage copy = bySubject(folder(nancy, "sentitems"), subject).orElseThrow();
        assertThat(copy.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null)).isEqualTo(r.sendId());

        OutboxEntry event = outbox.find(target.id(), r.eventKey()).orElseThrow();
        assertThat(event.eventType()).isEqualTo(EventType.MESSAGE_SENT);
        assertThat(event.mailboxId()).contains(nancy.id());
        assertThat(event.payload())
                .contains(r.sendId())
                .contains(subject)
                .contains("invoice.pdf")
                .contains(recipient);
    }

    @Test
    void aReplyCarriesInReplyToReferencesAndRe() throws Exception {
        String subject = "Question " + UUID.randomUUID();
        SendResult r = sender(30)
                .send(
                        nancy.id(),
                        OutgoingMessage.text(subject, "Yes, it is.", recipient)
                                .replyingTo("<original.2@example.com>", List.of("<original.1@example.com>")));
        MimeMessage got =
                bySubject(folder(recipientMailbox, "inbox"), "Re: " + subject).orElseThrow();
        assertThat(got.getHeader("In-Reply-To", null)).isEqualTo("<original.2@example.com>");
        assertThat(got.getHeader("References", null)).isEqualTo("<original.1@example.com> <original.2@example.com>");
        assertThat(got.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null)).isEqualTo(r.sendId());
        assertThat(outbox.find(target.id(), r.eventKey()).orElseThrow().payload())
                .contains("\"inReplyTo\":\"<original.2@example.com>\"");
    }

    @Test
    void rawMimeIsSentAsGivenWithTheMarker() throws Exception {
        String subject = "Raw " + UUID.randomUUID();
        String mime = "From: " + from + "\r\nTo: " + recipient + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <raw." + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nRaw body.\r\n";
        SendResult r = sender(30).sendMime(nancy.id(), new ByteArrayInputStream(mime.getBytes(StandardCharsets.UTF_8)));
        MimeMessage got = bySubject(folder(recipientMailbox, "inbox"), subject).orElseThrow();
        assertThat(got.getHeader(ReceivedMessage.SENT_MARKER_HEADER, null)).isEqualTo(r.sendId());
        assertThat(got.getMessageID()).isEqualTo(r.messageId()).startsWith("<raw.");
        assertThat(((String) got.getContent()).trim()).isEqualTo("Raw body.");
        assertThat(emulator.exchange().store().subjects(from, "sentitems")).contains(subject);

        assertThatThrownBy(() -> sender(30)
                        .sendMime(
                                nancy.id(),
                                new ByteArrayInputStream(
                                        "Subject: nobody\r\n\r\nHi\r\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors())
                        .extracting(FieldError::field)
                        .containsExactly("mime"));
    }

    @Test
    void theMessageAfterTheLimitIsRefusedWithWhenToRetry() {
        MailSender sender = sender(3);
        for (int i = 0; i < 3; i++) {
            sender.send(nancy.id(), OutgoingMessage.text("Burst " + i, "x", recipient));
        }
        assertThatThrownBy(() -> sender.send(nancy.id(), OutgoingMessage.text("Burst 3", "x", recipient)))
                .isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("3 messages in the last minute")
                .hasMessageContaining("Retry after")
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfterSeconds())
                        .isBetween(1L, 60L));
        assertThat(emulator.exchange().store().count(recipient, "inbox")).isEqualTo(3);
        // another mailbox has its own window
        sender.send(recipientMailbox.id(), OutgoingMessage.text("Other", "x", from));
        // a minute later the window has moved on
        emulator.clock().advance(Duration.ofSeconds(61));
        sender.send(nancy.id(), OutgoingMessage.text("Later", "x", recipient));
        assertThat(emulator.exchange().store().count(recipient, "inbox")).isEqualTo(4);
    }

    @Test
    void recipientsAreCountedOverADayAsExchangeOnlineCountsThem() {
        MailSender sender =
                new MailSender(services, outbox, emulator.clock(), MailSender.Options.DEFAULT.withRecipientsPerDay(5));
        sender.send(
                nancy.id(),
                OutgoingMessage.builder()
                        .to(recipient)
                        .cc("a@example.com", "b@example.com")
                        .subject("Three")
                        .text("x")
                        .build());
        OutgoingMessage three = OutgoingMessage.builder()
                .to(recipient)
                .bcc("c@example.com", "d@example.com")
                .subject("Three more")
                .text("x")
                .build();
        assertThatThrownBy(() -> sender.send(nancy.id(), three))
                .isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("sent to 5 recipients in the last 24 hours")
                .hasMessageContaining("10,000 recipients a day");
        assertThat(emulator.exchange().store().count(recipient, "inbox")).isEqualTo(1);
        // one message to more recipients than a whole day allows is refused as bad input
        assertThatThrownBy(() -> sender.send(
                        nancy.id(),
                        OutgoingMessage.builder()
                                .to(recipient)
                                .cc("1@example.com", "2@example.com", "3@example.com", "4@example.com", "5@example.com")
                                .subject("Too many")
                                .text("x")
                                .build()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("6 recipients");
        emulator.clock().advance(Duration.ofHours(24).plusSeconds(1));
        sender.send(nancy.id(), three);
        assertThat(emulator.exchange().store().count(recipient, "inbox")).isEqualTo(2);
    }

    @Test
    void badInputGivesFieldErrorsAndSendsNothing() {
        MailSender sender = new MailSender(
                services, outbox, emulator.clock(), MailSender.Options.DEFAULT.withMaxAttachmentBytes(10));
        OutgoingMessage bad = OutgoingMessage.builder()
                .replyTo("not an address")
                .attach("big.bin", "application/octet-stream", new byte[11])
                .build();
        assertThatThrownBy(() -> sender.send(nancy.id(), bad))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).errors())
                        .extracting(FieldError::field)
                        .containsExactlyInAnyOrder("to", "replyTo[0]", "subject", "attachments"));
        assertThatThrownBy(() -> sender.send(nancy.id(), OutgoingMessage.text("Hi", "x", "bob@")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("to[0]");
        assertThat(emulator.exchange().store().count(recipient, "inbox")).isZero();
        assertThat(outbox.counters(nancy.id()).pending()).isZero();
    }

    @Test
    void overGraphAMessageTooBigForOneRequestIsRefusedBeforeSending() {
        assumeTrue(transport == Transport.GRAPH, "Graph's 4 MB request limit");
        String mime = "From: " + from + "\r\nTo: " + recipient + "\r\nSubject: Big\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                + ("x".repeat(998) + "\r\n").repeat(3200);
        assertThatThrownBy(() -> sender(30)
                        .sendMime(nancy.id(), new ByteArrayInputStream(mime.getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("at most 4 MB per sendMail request");
        assertThat(emulator.exchange().store().count(recipient, "inbox")).isZero();
    }
}
