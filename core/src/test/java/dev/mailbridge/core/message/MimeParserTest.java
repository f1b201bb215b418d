package dev.mailbridge.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MimeParserTest {
    private final MimeParser parser = new MimeParser();

    static byte[] sample(String name) throws IOException {
        try (InputStream in = MimeParserTest.class.getResourceAsStream("/messages/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private ReceivedMessage parse(String name) throws IOException {
        return parser.parse(new ByteArrayInputStream(sample(name)), "support@contoso.com", "AAMkAD-" + name);
    }

    @Test
    void plainTextMessage() throws IOException {
        byte[] raw = sample("plain.eml");
        ReceivedMessage m = parse("plain.eml");

        assertThat(m.mailbox()).isEqualTo("support@contoso.com");
        assertThat(m.itemId()).isEqualTo("AAMkAD-plain.eml");
        assertThat(m.messageId()).isEqualTo("CAF=plain-001@mail.example.com");
        assertThat(m.inReplyTo()).isNull();
        assertThat(m.references()).isEmpty();
        assertThat(m.from()).isEqualTo(new EmailAddress("Alice Example", "alice@example.com"));
        assertThat(m.sender()).isNull();
        assertThat(m.to())
                .containsExactly(
                        new EmailAddress("Support", "support@contoso.com"),
                        new EmailAddress("Bob, Jr.", "bob@contoso.com"));
        assertThat(m.cc()).containsExactly(EmailAddress.of("carol@example.org"));
        assertThat(m.bcc()).isEmpty();
        assertThat(m.replyTo()).isEmpty();
        assertThat(m.subject()).isEqualTo("Printer on floor 3 is out of toner");
        assertThat(m.date()).isEqualTo(OffsetDateTime.of(2024, 3, 5, 9, 15, 0, 0, ZoneOffset.ofHours(1)));
        assertThat(m.date().getOffset()).isEqualTo(ZoneOffset.ofHours(1));
        assertThat(m.text())
                .isEqualTo("Hello,\n\nthe printer on floor 3 says \"toner low\" – could someone replace it?\n\n"
                        + "Thanks,\nAlice\n");
        assertThat(m.html()).isNull();
        assertThat(m.bodyTruncated()).isFalse();
        assertThat(m.attachments()).isEmpty();
        assertThat(m.size()).isEqualTo(raw.length);
        assertThat(m.autoSubmitted()).isEqualTo(AutoSubmitted.NONE);
        assertThat(m.autoSubmittedReason()).isNull();
        assertThat(m.headers()).hasSize(11);
        assertThat(m.headers().get(0)).isEqualTo(new Header("Return-Path", "<alice@example.com>"));
        assertThat(m.headers().get(1).name()).isEqualTo("Received");
        assertThat(m.headers().get(1).value())
                .isEqualTo("from mail.example.com (mail.example.com [192.0.2.10])\tby mx.contoso.com with ESMTPS id"
                        + " 4f2a9c\tfor <support@contoso.com>; Tue, 5 Mar 2024 09:15:02 +0100");
        assertThat(m.header("content-type")).contains("text/plain; charset=UTF-8");
        assertThat(m.headersTruncated()).isFalse();
    }

    @Test
    void multipartAlternativeWithEncodedWords() throws IOException {
        ReceivedMessage m = parse("alternative.eml");

        assertThat(m.subject()).isEqualTo("Rechnung für März – ✓ bezahlt");
        assertThat(m.from()).isEqualTo(new EmailAddress("Jörg Müller", "joerg.mueller@example.de"));
        assertThat(m.text()).isEqualTo("Grüße aus München,\ndie Rechnung für März ist bezahlt.");
        assertThat(m.html())
                .isEqualTo("<html><body><p>Grüße aus München,</p><p>die Rechnung für März ist <b>bezahlt</b>.</p>"
                        + "</body></html>");
        assertThat(m.attachments()).isEmpty();
        assertThat(m.header("Subject")).contains("Rechnung für März – ✓ bezahlt");
        assertThat(m.date()).isEqualTo(OffsetDateTime.of(2024, 3, 6, 14, 2, 11, 0, ZoneOffset.UTC));
    }

    @Test
    void isoLatin1SubjectAndBody() throws IOException {
        ReceivedMessage m = parse("latin1.eml");

        assertThat(m.subject()).isEqualTo("Problème d'accès à la boîte");
        assertThat(m.from().name()).isEqualTo("François Lefèvre");
        // declared iso-8859-1 is read as windows-1252, so the en dash (0x96) survives
        assertThat(m.text())
                .isEqualTo(
                        "Bonjour, je n'arrive pas à accéder à ma boîte depuis ce matin. Merci d'avance – François\n");
    }

    @Test
    void attachmentsInlineImagesRfc2231NamesAndAttachedMessages() throws IOException {
        ReceivedMessage m = parse("attachments.eml");

        assertThat(m.text()).isEqualTo("Please find the invoice attached.");
        assertThat(m.html()).contains("<img src=\"cid:logo@example.com\">");
        assertThat(m.date()).isEqualTo(OffsetDateTime.of(2024, 3, 7, 8, 0, 0, 0, ZoneOffset.ofHours(-5)));
        assertThat(m.attachments()).hasSize(4);

        AttachmentInfo logo = m.attachments().get(0);
        assertThat(logo)
                .isEqualTo(new AttachmentInfo(
                        0,
                        "logo.png",
                        "image/png",
                        71,
                        "logo@example.com",
                        true,
                        "066472408cc7a4ff0c66b25d48d58249e95e2715556dcf018bd99477e11bee07"));

        AttachmentInfo pdf = m.attachments().get(1);
        assertThat(pdf)
                .isEqualTo(new AttachmentInfo(
                        1,
                        "Rechnung März €.pdf",
                        "application/pdf",
                        103,
                        null,
                        false,
                        "dfaeafb738d54d138da4852d871ecdaf5d7baa76698bb8708dd9a14c1bf9a64d"));

        AttachmentInfo csv = m.attachments().get(2);
        assertThat(csv.filename()).isEqualTo("Übersicht Positionen.csv");
        assertThat(csv.contentType()).isEqualTo("text/csv");
        assertThat(csv.size()).isEqualTo("pos;amount\n1;100.00".length());
        assertThat(csv.sha256()).isEqualTo(sha256("pos;amount\n1;100.00".getBytes(StandardCharsets.US_ASCII)));
        assertThat(csv.inline()).isFalse();

        AttachmentInfo attached = m.attachments().get(3);
        assertThat(attached.contentType()).isEqualTo("message/rfc822");
        assertThat(attached.filename()).isEqualTo("Original order № 17.eml");
        assertThat(attached.inline()).isFalse();
    }

    @Test
    void encodedWordFileNamesAndUnsafePathsInNames() throws IOException {
        ReceivedMessage m = parser.parse(
                in("From: a@example.com\nContent-Type: multipart/mixed; boundary=\"b-1\"\n\n--b-1\n"
                        + "Content-Type: text/plain\n\nhi\n--b-1\n"
                        + "Content-Type: application/vnd.ms-excel; name=\"=?UTF-8?B?UHLDvGZ1bmcueGxz?=\"\n"
                        + "Content-Disposition: attachment; filename=\"=?UTF-8?B?UHLDvGZ1bmcueGxz?=\"\n\nxls\n"
                        + "--b-1\nContent-Type: text/plain; name=\"..\\\\..\\\\boot.ini\"\n\nini\n--b-1--\n"),
                "m@x",
                null);
        assertThat(m.text()).isEqualTo("hi");
        assertThat(m.attachments())
                .extracting(AttachmentInfo::filename, AttachmentInfo::contentType, AttachmentInfo::size)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Prüfung.xls", "application/vnd.ms-excel", 3L),
                        org.assertj.core.groups.Tuple.tuple("boot.ini", "text/plain", 3L));
    }

    @Test
    void opensAnAttachmentsContentAgain() throws IOException {
        byte[] raw = sample("attachments.eml");
        try (AttachmentContent pdf = parser.openAttachment(new ByteArrayInputStream(raw), 1)) {
            assertThat(pdf.filename()).isEqualTo("Rechnung März €.pdf");
            assertThat(pdf.contentType()).isEqualTo("application/pdf");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(pdf.transferTo(out)).isEqualTo(103);
            assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
                    .startsWith("%PDF-1.4\n% Mailbridge test invoice\n")
                    .endsWith("%%EOF\n");
            assertThat(sha256(out.toByteArray()))
                    .isEqualTo("dfaeafb738d54d138da4852d871ecdaf5d7baa76698bb8708dd9a14c1bf9a64d");
        }
        try (AttachmentContent logo = parser.openAttachment(new ByteArrayInputStream(raw), 0)) {
            assertThat(logo.contentId()).isEqualTo("logo@example.com");
            assertThat(logo.inline()).isTrue();
            assertThat(sha256(logo.stream().readAllBytes()))
                    .isEqualTo("066472408cc7a4ff0c66b25d48d58249e95e2715556dcf018bd99477e11bee07");
        }
        try (AttachmentContent eml = parser.openAttachment(new ByteArrayInputStream(raw), 3)) {
            assertThat(new String(eml.stream().readAllBytes(), StandardCharsets.UTF_8))
                    .startsWith("From: Erin <erin@example.com>\n")
                    .contains("Please send the invoice.");
        }
        assertThatThrownBy(() -> parser.openAttachment(new ByteArrayInputStream(raw), 4))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage("the message has 4 attachment(s); there is no attachment 4");
    }

    @Test
    void largeMessagesAreSpooledToATemporaryFileAndRemoved(@TempDir Path tmp) throws IOException {
        byte[] content = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(content);
        String mime = "From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nsee"
                + " attached\r\n--b1\r\nContent-Type: application/octet-stream; name=blob.bin\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString(content) + "\r\n--b1--\r\n";
        MimeParser small = new MimeParser(
                new MimeParser.Limits(16L << 20, 1 << 20, 1000, 20, 1000, 1 << 20, 64 << 10, 64 * 1024), tmp);
        ReceivedMessage m =
                small.parse(new ByteArrayInputStream(mime.getBytes(StandardCharsets.US_ASCII)), "b@example.com", null);

        assertThat(m.text()).isEqualTo("see attached");
        assertThat(m.attachments()).singleElement().satisfies(a -> {
            assertThat(a.filename()).isEqualTo("blob.bin");
            assertThat(a.size()).isEqualTo(content.length);
            assertThat(a.sha256()).isEqualTo(sha256(content));
        });
        try (var files = Files.list(tmp)) {
            assertThat(files).as("the spool file is deleted").isEmpty();
        }
        try (AttachmentContent a =
                small.openAttachment(new ByteArrayInputStream(mime.getBytes(StandardCharsets.US_ASCII)), 0)) {
            try (var files = Files.list(tmp)) {
                assertThat(files).as("spooled while open").hasSize(1);
            }
            assertThat(a.stream().readAllBytes()).isEqualTo(content);
        }
        try (var files = Files.list(tmp)) {
            assertThat(files).as("and deleted on close").isEmpty();
        }
    }

    @Test
    void outlookAutoReply() throws IOException {
        ReceivedMessage m = parse("outlook-auto-reply.eml");

        assertThat(m.autoSubmitted()).isEqualTo(AutoSubmitted.AUTO_REPLY);
        assertThat(m.autoSubmittedReason()).isEqualTo("Auto-Submitted: auto-replied");
        assertThat(m.conversationTopic()).isEqualTo("Printer on floor 3 is out of toner");
        assertThat(m.conversationIndex()).isEqualTo("AdQ8NvD0V6W1p2kyR8Gm0cN3b3Rf5A==");
        assertThat(m.conversationId()).isEqualTo("57a5b5a7693247c1a6d1c3776f745fe4");
        assertThat(m.inReplyTo()).isEqualTo("CAF=plain-001@mail.example.com");
        assertThat(m.text()).isEqualTo("I am out of the office until March 11 with limited access to email.");
        assertThat(m.html())
                .isEqualTo("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=us-ascii\">"
                        + "</head><body><p>I am out of the office until March 11 with limited access to email.</p>"
                        + "</body></html>");
        assertThat(m.header("X-MS-Has-Attach")).contains("");
    }

    @Test
    void deliveryStatusNotificationIsABounce() throws IOException {
        ReceivedMessage m = parse("bounce.eml");

        assertThat(m.autoSubmitted()).isEqualTo(AutoSubmitted.BOUNCE);
        assertThat(m.autoSubmittedReason()).isEqualTo("Content-Type: multipart/report; report-type=delivery-status");
        assertThat(m.from()).isEqualTo(new EmailAddress("Mail Delivery Subsystem", "MAILER-DAEMON@mx.contoso.com"));
        assertThat(m.date()).isEqualTo(OffsetDateTime.of(2024, 3, 5, 9, 20, 0, 0, ZoneOffset.ofHours(1)));
        assertThat(m.text()).startsWith("This is the mail system at host mx.contoso.com.\n");
        assertThat(m.attachments())
                .extracting(AttachmentInfo::contentType)
                .containsExactly("message/delivery-status", "text/rfc822-headers");
    }

    @Test
    void mailingListMessage() throws IOException {
        ReceivedMessage m = parse("mailing-list.eml");

        assertThat(m.autoSubmitted()).isEqualTo(AutoSubmitted.LIST);
        assertThat(m.autoSubmittedReason()).isEqualTo("List-Id: Developers <dev.lists.example.org>");
        assertThat(m.header("List-Unsubscribe"))
                .contains("<mailto:dev-unsubscribe@lists.example.org>, <https://lists.example.org/unsubscribe/dev>");
        assertThat(m.text()).isEqualTo("Let's plan the 2.0 release next week.\n");
    }

    @Test
    void replyWithReferencesSenderAndReplyTo() throws IOException {
        ReceivedMessage m = parse("reply.eml");

        assertThat(m.messageId()).isEqualTo("reply-007@mail.example.com");
        assertThat(m.inReplyTo()).isEqualTo("ticket-1234-reply@contoso.com");
        assertThat(m.references()).containsExactly("CAF=plain-001@mail.example.com", "ticket-1234-reply@contoso.com");
        assertThat(m.sender()).isEqualTo(new EmailAddress("Assistant", "assistant@example.com"));
        assertThat(m.replyTo())
                .containsExactly(
                        new EmailAddress("Helpdesk Team", "helpdesk@example.com"),
                        EmailAddress.of("alice.private@example.net"));
        assertThat(m.conversationId())
                .as("the same conversation as the message it answers")
                .isEqualTo("57a5b5a7693247c1a6d1c3776f745fe4");
        assertThat(m.autoSubmitted()).isEqualTo(AutoSubmitted.NONE);
    }

    @Test
    void classifiesOtherAutomationSignals() throws IOException {
        assertThat(classify("Auto-Submitted: auto-generated\n")).isEqualTo(AutoSubmitted.AUTO_GENERATED);
        assertThat(classify("Auto-Submitted: no\n")).isEqualTo(AutoSubmitted.NONE);
        assertThat(classify("X-Autoreply: yes\n")).isEqualTo(AutoSubmitted.AUTO_REPLY);
        assertThat(classify("X-Autorespond: vacation\n")).isEqualTo(AutoSubmitted.AUTO_REPLY);
        assertThat(classify("Precedence: bulk\n")).isEqualTo(AutoSubmitted.AUTO_GENERATED);
        assertThat(classify("Precedence: junk\n")).isEqualTo(AutoSubmitted.AUTO_GENERATED);
        assertThat(classify("Precedence: list\n")).isEqualTo(AutoSubmitted.LIST);
        assertThat(classify("List-Unsubscribe: <mailto:u@example.com>\n")).isEqualTo(AutoSubmitted.LIST);
        assertThat(classify("X-Auto-Response-Suppress: OOF, AutoReply\n")).isEqualTo(AutoSubmitted.AUTO_GENERATED);
        assertThat(classify("X-Failed-Recipients: x@example.com\n")).isEqualTo(AutoSubmitted.BOUNCE);
        assertThat(classify("Content-Type: multipart/report; report-type=disposition-notification;"
                        + " boundary=\"rr-1\"\n\n--rr-1\nContent-Type: text/plain\n\nread\n--rr-1--\n"))
                .as("a read receipt")
                .isEqualTo(AutoSubmitted.AUTO_GENERATED);
        ReceivedMessage postmaster = parser.parse(
                in("From: postmaster@example.net\nSubject: Delivery delayed\n\nstill trying\n"), "m@x", null);
        assertThat(postmaster.autoSubmitted()).isEqualTo(AutoSubmitted.BOUNCE);
        assertThat(postmaster.autoSubmittedReason()).isEqualTo("From: postmaster@example.net");
    }

    private AutoSubmitted classify(String header) throws IOException {
        return parser.parse(in("From: a@example.com\nSubject: s\n" + header + "\nbody\n"), "m@x", null)
                .autoSubmitted();
    }

    @Test
    void charsetFallbacksAndOddHeaders() throws IOException {
        byte[] latin = "Caf\u00e9 cr\u00e8me".getBytes(StandardCharsets.ISO_8859_1);
        byte[] mime = concat(
                "From: x@example.com\nSubject: =?x-unknown?Q?odd?= and =?UTF-8?Q?caf=C3=A9?=\n"
                        + "To: undisclosed-recipients:;\nDate: Sun, 10 Mar 24 12:00:00 GMT\n"
                        + "Content-Type: text/plain; charset=unknown-8bit\n\n",
                latin);
        ReceivedMessage m = parser.parse(new ByteArrayInputStream(mime), "m@x", null);
        assertThat(m.text()).as("unknown charset, not UTF-8: windows-1252").isEqualTo("Café crème");
        assertThat(m.subject()).isEqualTo("=?x-unknown?Q?odd?= and =?UTF-8?Q?caf=C3=A9?=");
        assertThat(m.to()).as("an empty group").isEmpty();
        assertThat(m.date()).isEqualTo(OffsetDateTime.of(2024, 3, 10, 12, 0, 0, 0, ZoneOffset.UTC));

        byte[] utf8 = "From: x@example.com\nSubject: Grüße in raw UTF-8\n\nGrüße\n".getBytes(StandardCharsets.UTF_8);
        ReceivedMessage raw = parser.parse(new ByteArrayInputStream(utf8), "m@x", null);
        assertThat(raw.subject()).isEqualTo("Grüße in raw UTF-8");
        assertThat(raw.text()).as("no charset, valid UTF-8").isEqualTo("Grüße\n");
    }

    @Test
    void bodiesAndHeadersAreCappedAndSaySo() throws IOException {
        MimeParser capped =
                new MimeParser(new MimeParser.Limits(1 << 20, 1 << 20, 1000, 20, 1000, 10, 60, 1 << 20), null);
        ReceivedMessage m = capped.parse(
                in("From: a@example.com\nSubject: short\nX-Long: " + "x".repeat(100) + "\nTo: b@example.com\n\n"
                        + "0123456789abcdef\n"),
                "m@x",
                null);
        assertThat(m.text()).isEqualTo("0123456789");
        assertThat(m.bodyTruncated()).isTrue();
        assertThat(m.headersTruncated()).isTrue();
        assertThat(m.headers())
                .extracting(Header::name)
                .as("the oversize field is left off, the rest kept in order")
                .containsExactly("From", "Subject", "To");
        assertThat(m.to()).containsExactly(EmailAddress.of("b@example.com"));
    }

    @Test
    void malformedMessagesSayWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> parse("malformed.eml"))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("line 3 of the header section is not a 'Name: value' header field: \"this line is body"
                        + " text, not a header field\" (a missing empty line between header and body?)");
        assertThatThrownBy(() -> parser.parse(in(""), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("the message is empty (0 bytes)");
        assertThatThrownBy(() -> parser.parse(in("\nonly a body\n"), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("the message has no header section: it must start with 'Name: value' header fields");
        assertThatThrownBy(() -> parser.parse(in("%PDF-1.4 binary junk\n\u0001\u0002\n"), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessageStartingWith("line 1 of the header section is not a 'Name: value' header field");
        assertThatThrownBy(() -> parser.parse(
                        in(
                                "From: a@example.com\nContent-Type: multipart/mixed; boundary=zz\n\n--zz\n"
                                        + "Content-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBO=R*w0K=\n--zz--\n"),
                        "m@x",
                        null))
                .isInstanceOf(MessageParseException.class)
                .hasMessageStartingWith("part 1 (image/png): cannot decode its base64 content:");
        assertThatThrownBy(() -> parser.parse(
                        in("From: a@example.com\nContent-Type: multipart/mixed; boundary=\"zz\"\n\nno parts\n"),
                        "m@x",
                        null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("the message (multipart/mixed): cannot be split into its parts: Missing start boundary"
                        + " (boundary \"--zz\" not found)");
    }

    @Test
    void hostileInputIsBounded() throws IOException {
        StringBuilder deep = new StringBuilder("From: a@example.com\nContent-Type: multipart/mixed; boundary=b0\n\n");
        for (int i = 1; i <= 30; i++) {
            deep.append("--b")
                    .append(i - 1)
                    .append("\nContent-Type: multipart/mixed; boundary=b")
                    .append(i)
                    .append("\n\n");
        }
        deep.append("--b30\nContent-Type: text/plain\n\ndeep\n");
        assertThatThrownBy(() -> parser.parse(in(deep.toString()), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage(
                        "multiparts nested more than 20 deep (Limits.maxDepth) at part 1.1.1.1.1.1.1.1.1.1.1.1.1.1.1"
                                + ".1.1.1.1.1");

        StringBuilder many = new StringBuilder("From: a@example.com\n");
        for (int i = 0; i < 1500; i++) {
            many.append("X-Spam-").append(i).append(": y\n");
        }
        assertThatThrownBy(() -> parser.parse(in(many + "\nbody\n"), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("the message has more than 1000 header fields (Limits.maxHeaderCount)");

        StringBuilder partHeaders =
                new StringBuilder("From: a@example.com\nContent-Type: multipart/mixed; boundary=q\n\n--q\n");
        for (int i = 0; i < 1500; i++) {
            partHeaders.append("X-").append(i).append(": y\n");
        }
        partHeaders.append("\nbody\n--q--\n");
        assertThatThrownBy(() -> parser.parse(in(partHeaders.toString()), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("part 1 has more than 1000 header fields (Limits.maxHeaderCount)");

        StringBuilder parts = new StringBuilder("From: a@example.com\nContent-Type: multipart/mixed; boundary=p\n\n");
        for (int i = 0; i < 1200; i++) {
            parts.append("--p\n\nx\n");
        }
        parts.append("--p--\n");
        assertThatThrownBy(() -> parser.parse(in(parts.toString()), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("more than 1000 MIME parts (Limits.maxParts) at part 1001");

        MimeParser tiny = new MimeParser(new MimeParser.Limits(100, 50, 10, 5, 10, 100, 100, 10), null);
        assertThatThrownBy(() -> tiny.parse(in("Subject: " + "x".repeat(200) + "\n\nbody\n"), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("the message is larger than the limit of 100 bytes (Limits.maxMessageBytes)");
        assertThatThrownBy(() -> tiny.parse(in("Subject: " + "x".repeat(60) + "\n\nb\n"), "m@x", null))
                .isInstanceOf(MessageParseException.class)
                .hasMessage("the header section is larger than the limit of 50 bytes (Limits.maxHeaderBytes)");
    }

    static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(String head, byte[] tail) {
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + tail.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(tail, 0, all, h.length, tail.length);
        return all;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
