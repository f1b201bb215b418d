package dev.mailbridge.bench;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.EmulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EWS side of the benchmarks: the emulator in-process on loopback (plain HTTP, its default
 * configuration with the on-premises tenant northwind.local and Basic auth), realistic messages
 * delivered straight into its store, and raw SOAP requests (the same bytes every client would
 * send) to capture responses and to replay them.
 */
final class EwsFixtures implements AutoCloseable {
    static final String NANCY = "nancy.davolio@northwind.local";
    static final String NANCY_PASSWORD = "Nancy-Passw0rd!";
    static final String ADMIN = "administrator@northwind.local";
    static final String ADMIN_PASSWORD = "Northwind-Admin1!";
    static final String T = "http://schemas.microsoft.com/exchange/services/2006/types";
    static final String M = "http://schemas.microsoft.com/exchange/services/2006/messages";

    /** The captured responses parsed by {@link EwsParseBenchmark}, by file name. */
    static final String FIND_ITEM_1000 = "finditem-1000";

    static final String GET_ITEM_10K = "getitem-10k";
    static final String GET_ITEM_1M = "getitem-1m";
    static final List<String> ALL = List.of(FIND_ITEM_1000, GET_ITEM_10K, GET_ITEM_1M);

    private static final String[] WORDS = ("the quarterly numbers are attached please review before our meeting on "
                    + "thursday we need to finalise budget forecast for northwind traders sales region shipping "
                    + "invoice customer order status update regards thanks best team project schedule deadline "
                    + "review draft contract supplier warehouse inventory report approval")
            .split(" ");
    private static final String[] NAMES = {
        "Andrew Fuller", "Janet Leverling", "Margaret Peacock", "Steven Buchanan", "Michael Suyama", "Robert King"
    };
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    final Emulator emulator;
    final URI ews;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private EwsFixtures(Emulator emulator) {
        this.emulator = emulator;
        this.ews = URI.create(emulator.httpUrl().orElseThrow().toString() + "/EWS/Exchange.asmx");
    }

    /** The emulator on free loopback ports, plain HTTP and HTTPS, default configuration. */
    static EwsFixtures start() {
        Emulator emulator = Emulator.start(EmulatorOptions.builder()
                .httpsPort(0)
                .httpPort(0)
                .bindAddress("127.0.0.1")
                .host("localhost")
                .build());
        return new EwsFixtures(emulator);
    }

    /** Delivers {@code count} messages of 5–20 KB into {@code smtp}'s inbox; returns their ItemIds in order. */
    List<String> fill(String smtp, int count, long seed) {
        Random random = new Random(seed);
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = 5 * 1024 + random.nextInt(15 * 1024);
            ids.add(emulator.exchange().store().deliver(smtp, "inbox", message(random, i, size, smtp)));
        }
        return ids;
    }

    String deliver(String smtp, byte[] mime) {
        return emulator.exchange().store().deliver(smtp, "inbox", mime);
    }

    /**
     * A plain-text message of about {@code size} bytes; from 64 KiB up a multipart/mixed one whose
     * bulk is a base64 attachment, as large mail is in practice.
     */
    static byte[] message(Random random, int n, int size, String to) {
        String from = NAMES[random.nextInt(NAMES.length)];
        String fromAddress = from.toLowerCase(Locale.ROOT).replace(' ', '.') + "@northwind.local";
        StringBuilder subject = new StringBuilder();
        for (int i = 0; i < 3 + random.nextInt(6); i++) {
            subject.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        Instant date = Instant.parse("2026-01-01T08:00:00Z").plusSeconds(n * 600L + random.nextInt(600));
        StringBuilder m = new StringBuilder(size + 1024);
        m.append("Return-Path: <").append(fromAddress).append(">\r\n");
        m.append("Received: from mail.northwind.local (mail.northwind.local [10.0.0.25]) by exch01.northwind.local")
                .append(" with Microsoft SMTP Server id 15.2.1118.7; ")
                .append(RFC_5322.format(date))
                .append("\r\n");
        m.append("From: \"").append(from).append("\" <").append(fromAddress).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        if (random.nextInt(3) == 0) {
            m.append("Cc: \"Laura Callahan\" <laura.callahan@northwind.local>, \"Anne Dodsworth\"")
                    .append(" <anne.dodsworth@northwind.local>\r\n");
        }
        m.append("Subject: ").append(subject).append(" #").append(n).append("\r\n");
        m.append("Date: ").append(RFC_5322.format(date)).append("\r\n");
        m.append("Message-ID: <")
                .append(Long.toHexString(random.nextLong()))
                .append('.')
                .append(n)
                .append("@northwind.local>\r\n");
        m.append("MIME-Version: 1.0\r\n");
        boolean multipart = size >= 64 * 1024;
        String boundary = "----=_Part_" + n + "_" + Long.toHexString(random.nextLong());
        if (multipart) {
            m.append("Content-Type: multipart/mixed; boundary=\"")
                    .append(boundary)
                    .append("\"\r\n\r\n");
            m.append("--").append(boundary).append("\r\n");
        }
        m.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        int textTarget = multipart ? 4096 : size - m.length();
        int line = 0;
        while (textTarget > 0) {
            String word = WORDS[random.nextInt(WORDS.length)];
            m.append(word);
            textTarget -= word.length() + 1;
            line += word.length() + 1;
            if (line > 72) {
                m.append("\r\n");
                textTarget--;
                line = 0;
            } else {
                m.append(' ');
            }
        }
        m.append("\r\n");
        if (multipart) {
            byte[] attachment = new byte[(size - m.length()) * 3 / 4];
            random.nextBytes(attachment);
            m.append("--").append(boundary).append("\r\n");
            m.append("Content-Type: application/pdf; name=\"report-").append(n).append(".pdf\"\r\n");
            m.append("Content-Disposition: attachment; filename=\"report-")
                    .append(n)
                    .append(".pdf\"\r\n");
            m.append("Content-Transfer-Encoding: base64\r\n\r\n");
            m.append(Base64.getMimeEncoder().encodeToString(attachment)).append("\r\n");
            m.append("--").append(boundary).append("--\r\n");
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ----- raw SOAP -----

    static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:t=\"" + T
                + "\" xmlns:m=\"" + M + "\"><soap:Header><t:RequestServerVersion Version=\"Exchange2013_SP1\"/>"
                + "</soap:Header><soap:Body>" + body + "</soap:Body></soap:Envelope>";
    }

    /** FindItem on the inbox, AllProperties (what ews-java-api's default FirstClassProperties sends). */
    static byte[] findItemRequest(int pageSize) {
        return envelope("<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape>"
                        + "</m:ItemShape><m:IndexedPageItemView MaxEntriesReturned=\"" + pageSize
                        + "\" Offset=\"0\" BasePoint=\"Beginning\"/><m:ParentFolderIds>"
                        + "<t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** GetItem, IdOnly plus MimeContent, for a batch of ids. */
    static byte[] getMimeRequest(List<String> ids) {
        StringBuilder b = new StringBuilder("<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>"
                + "<t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:ItemIds>");
        for (String id : ids) {
            b.append("<t:ItemId Id=\"").append(id).append("\"/>");
        }
        b.append("</m:ItemIds></m:GetItem>");
        return envelope(b.toString()).getBytes(StandardCharsets.UTF_8);
    }

    /** SyncFolderItems on the inbox, IdOnly, from {@code state} (null: from scratch). */
    static byte[] syncRequest(String state, int max) {
        return envelope("<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
                        + "<m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId>"
                        + (state == null ? "" : "<m:SyncState>" + state + "</m:SyncState>")
                        + "<m:MaxChangesReturned>" + max + "</m:MaxChangesReturned></m:SyncFolderItems>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static final Pattern SYNC_STATE = Pattern.compile("<m:SyncState>([^<]*)</m:SyncState>");
    private static final Pattern LAST = Pattern.compile("<m:IncludesLastItemInRange>(true|false)<");

    static String syncState(String response) {
        Matcher m = SYNC_STATE.matcher(response);
        if (!m.find()) {
            throw new IllegalStateException("no SyncState in " + abbreviate(response));
        }
        return m.group(1);
    }

    static boolean includesLast(String response) {
        Matcher m = LAST.matcher(response);
        if (!m.find()) {
            throw new IllegalStateException("no IncludesLastItemInRange in " + abbreviate(response));
        }
        return m.group(1).equals("true");
    }

    static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest request(byte[] body, String auth) {
        return HttpRequest.newBuilder(ews)
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
    }

    /** POSTs a raw SOAP request and returns the response bytes (HTTP 200 required). */
    byte[] post(byte[] body, String auth) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(body, auth), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IOException(
                    "HTTP " + r.statusCode() + ": " + abbreviate(new String(r.body(), StandardCharsets.UTF_8)));
        }
        return r.body();
    }

    /** POSTs a raw SOAP request and counts the response bytes without keeping them. */
    long postDiscarding(byte[] body, String auth) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request(body, auth), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IOException("HTTP " + r.statusCode() + ": "
                        + abbreviate(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /**
     * Captures the parse benchmark's responses from this emulator: a FindItem page of
     * {@code findItemCount} messages from Nancy's inbox (filled here), and GetItem responses with
     * MimeContent of a 10 KB and a 1 MB message (in the administrator's inbox).
     */
    static void capture(Path dir, int findItemCount) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        try (EwsFixtures f = start()) {
            f.fill(NANCY, findItemCount, 42);
            String auth = basic(NANCY, NANCY_PASSWORD);
            Files.write(dir.resolve(FIND_ITEM_1000 + ".xml"), f.post(findItemRequest(findItemCount), auth));
            String adminAuth = basic(ADMIN, ADMIN_PASSWORD);
            Random random = new Random(7);
            String small = f.deliver(ADMIN, message(random, 1, 10 * 1024, ADMIN));
            String large = f.deliver(ADMIN, message(random, 2, 1024 * 1024, ADMIN));
            Files.write(dir.resolve(GET_ITEM_10K + ".xml"), f.post(getMimeRequest(List.of(small)), adminAuth));
            Files.write(dir.resolve(GET_ITEM_1M + ".xml"), f.post(getMimeRequest(List.of(large)), adminAuth));
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    @Override
    public void close() {
        emulator.close();
    }
}
