package dev.mailbridge.demo;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * The demo's sample mail: a small round of realistic messages (a support request, a reply in its thread, an
 * HTML newsletter, an invoice with a PDF and a PNG made here, and an out-of-office auto-reply that loop
 * protection skips), addressed to the emulated mailboxes in turn.
 */
final class SampleMail {
    /** A message to deliver into {@code mailbox}'s inbox. */
    record Sample(String mailbox, String subject, byte[] mime) {}

    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String NANCY = "nancy.davolio@northwind.local";
    /** The demo's own Exchange Online mailbox, received over Microsoft Graph. */
    static final String SALES = "sales@contoso.onmicrosoft.com";
    /** How many different messages a round has; {@link #next} cycles through them. */
    static final int ROUND = 6;

    private static final Session SESSION = Session.getInstance(new Properties());

    /** The support request of the current round, which the thread's reply answers. */
    private String lastRequestId;

    private int requestNumber = 10420;

    /** The {@code n}th sample (0-based): the first goes to Nancy, whose Basic mailbox receives at once. */
    synchronized Sample next(long n) {
        try {
            return switch ((int) (n % ROUND)) {
                case 0 -> supportRequest(NANCY);
                case 1 -> newsletter(ADELE);
                case 2 -> threadReply(NANCY);
                case 3 -> invoice(ADELE);
                case 4 -> autoReply(NANCY);
                default -> invoice(SALES);
            };
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot build sample message " + n, e);
        }
    }

    private Sample supportRequest(String to) throws MessagingException, IOException {
        requestNumber++;
        MimeMessage m = message(
                "Maria Garcia <maria.garcia@fabrikam.example>", to, "Order #" + requestNumber + " arrived damaged");
        m.setText("""
                Hello,

                my order #%d arrived this morning, but the box was crushed and two of the six
                mugs are broken. Could you send replacements, or should I return the whole set?

                Photos are available on request.

                Kind regards,
                Maria Garcia
                Fabrikam Ltd., +1 555 0100
                """.formatted(requestNumber), "UTF-8");
        lastRequestId = m.getMessageID();
        return sample(to, m);
    }

    private Sample threadReply(String to) throws MessagingException, IOException {
        if (lastRequestId == null) {
            supportRequest(to); // the thread needs a first message; only its Message-ID is used
        }
        MimeMessage m = message(
                "Maria Garcia <maria.garcia@fabrikam.example>", to, "Re: Order #" + requestNumber + " arrived damaged");
        m.setText("""
                Hi again,

                I found the delivery note: the parcel number is 3SFAB%d. I would prefer
                replacements over a refund. Thanks for your help!

                Maria

                > my order #%d arrived this morning, but the box was crushed ...
                """.formatted(requestNumber * 7, requestNumber), "UTF-8");
        m.setHeader("In-Reply-To", lastRequestId);
        m.setHeader("References", lastRequestId);
        m.setHeader("Thread-Topic", "Order #" + requestNumber + " arrived damaged");
        return sample(to, m);
    }

    private Sample newsletter(String to) throws MessagingException, IOException {
        MimeMessage m =
                message("Contoso News <news@contoso-marketing.example>", to, "This month at Contoso: 3 updates");
        m.setHeader("List-Unsubscribe", "<mailto:unsubscribe@contoso-marketing.example>");
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(
                "This month at Contoso\n\n1. The new help desk portal is live.\n2. Office hours change in"
                        + " December.\n3. Meet the support team on Thursday.\n\nRead more: https://contoso.example/news\n",
                "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("""
                <!DOCTYPE html><html><body style="font-family:sans-serif">
                <h1 style="color:#0b5cad">This month at Contoso</h1>
                <ol><li><b>The new help desk portal is live.</b> Track every ticket in one place.</li>
                <li>Office hours change in December.</li>
                <li>Meet the support team on Thursday.</li></ol>
                <p><a href="https://contoso.example/news">Read more</a></p>
                </body></html>
                """, "text/html; charset=UTF-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        m.setContent(alternative);
        return sample(to, m);
    }

    private Sample invoice(String to) throws MessagingException, IOException {
        String number = "INV-2026-" + (4000 + requestNumber % 1000);
        MimeMessage m = message("Northwind Billing <billing@northwindtraders.example>", to, "Invoice " + number);
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(
                "Dear customer,\n\nplease find invoice " + number
                        + " attached (PDF), with this quarter's usage chart.\nPayment is due within 30 days.\n\n"
                        + "Northwind Traders, Billing\n",
                "UTF-8");
        mixed.addBodyPart(text);
        mixed.addBodyPart(attachment(number + ".pdf", "application/pdf", pdf("Invoice " + number + ": USD 1,250.00")));
        mixed.addBodyPart(attachment("usage-chart.png", "image/png", png()));
        m.setContent(mixed);
        return sample(to, m);
    }

    private Sample autoReply(String to) throws MessagingException, IOException {
        MimeMessage m =
                message("Daniel Smith <daniel.smith@fabrikam.example>", to, "Automatic reply: Order #" + requestNumber);
        m.setHeader("Auto-Submitted", "auto-replied");
        m.setHeader("X-Auto-Response-Suppress", "All");
        m.setText(
                "I am out of the office until Monday and have limited access to e-mail.\n"
                        + "For urgent matters please contact support@fabrikam.example.\n",
                "UTF-8");
        return sample(to, m);
    }

    private static MimeMessage message(String from, String to, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(SESSION) {
            @Override
            protected void updateMessageID() {
                // keeps the Message-ID set below (in the sender's domain, as a real mail server would)
            }
        };
        m.setHeader("Message-ID", "<" + UUID.randomUUID() + "@" + domain(from) + ">");
        m.setFrom(new InternetAddress(from));
        m.setRecipients(jakarta.mail.Message.RecipientType.TO, to);
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(Instant.now()));
        return m;
    }

    private static String domain(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(at + 1).replace(">", "");
    }

    private static Sample sample(String to, MimeMessage m) throws MessagingException, IOException {
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return new Sample(to, m.getSubject(), out.toByteArray());
    }

    private static MimeBodyPart attachment(String name, String type, byte[] content) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new jakarta.activation.DataHandler(new ByteArrayDataSource(content, type)));
        part.setFileName(name);
        part.setDisposition(MimeBodyPart.ATTACHMENT);
        return part;
    }

    /** A one-page PDF with one line of text, its cross-reference table computed from the real offsets. */
    static byte[] pdf(String line) {
        String escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)");
        String stream = "BT /F1 18 Tf 72 720 Td (" + escaped + ") Tj ET";
        List<String> objects = List.of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                        + " /Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(pdf.length());
            pdf.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
        for (int offset : offsets) {
            pdf.append(String.format("%010d 00000 n \n", offset));
        }
        pdf.append("trailer\n<< /Size ")
                .append(objects.size() + 1)
                .append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref)
                .append("\n%%EOF\n");
        return pdf.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A small bar chart. */
    static byte[] png() {
        BufferedImage image = new BufferedImage(240, 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, 240, 120);
            int[] values = {40, 65, 55, 90};
            for (int i = 0; i < values.length; i++) {
                g.setColor(new Color(11, 92, 173));
                g.fillRect(20 + i * 55, 110 - values[i], 40, values[i]);
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
