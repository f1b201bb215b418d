package dev.mailbridge.emulator.exchange;

import static dev.mailbridge.emulator.exchange.EwsTestSupport.impersonate;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Subscribe, GetEvents, GetStreamingEvents, Unsubscribe and push, each message schema-validated. */
class EwsNotificationsTest extends ExchangeEmulatorTest {

    static void deliver(String smtp, String subject) {
        emulator.exchange().store().deliver(smtp, EwsTestSupport.mime("bob@example.com", smtp, subject, "hello"));
    }

    static String types(String... t) {
        StringBuilder b = new StringBuilder("<t:EventTypes>");
        for (String s : t) {
            b.append("<t:EventType>").append(s).append("</t:EventType>");
        }
        return b.append("</t:EventTypes>").toString();
    }

    static final String INBOX = "<t:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></t:FolderIds>";

    static String pull(String folders, String types, int timeout) {
        return "<m:Subscribe><m:PullSubscriptionRequest" + (folders == null ? " SubscribeToAllFolders=\"true\">" : ">")
                + (folders == null ? "" : folders) + types + "<t:Timeout>" + timeout
                + "</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>";
    }

    static String streaming(String folders, String types) {
        return "<m:Subscribe><m:StreamingSubscriptionRequest"
                + (folders == null ? " SubscribeToAllFolders=\"true\">" : ">") + (folders == null ? "" : folders)
                + types
                + "</m:StreamingSubscriptionRequest></m:Subscribe>";
    }

    static String getEvents(String id, String watermark) {
        return "<m:GetEvents><m:SubscriptionId>" + id + "</m:SubscriptionId><m:Watermark>" + watermark
                + "</m:Watermark></m:GetEvents>";
    }

    static List<String> eventNames(EwsTestSupport.Soap r) {
        List<String> out = new ArrayList<>();
        Element n = r.all("Notification").get(0);
        for (org.w3c.dom.Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element e && e.getLocalName().endsWith("Event")) {
                out.add(e.getLocalName());
            }
        }
        return out;
    }

    static String lastWatermark(EwsTestSupport.Soap r) {
        List<Element> w = r.all("Watermark");
        return w.get(w.size() - 1).getTextContent();
    }

    // ----- pull -----

    @Test
    void pullSubscriptionGetsNewMailCreatedAndFolderModified() throws Exception {
        String mb = freshMailbox();
        EwsTestSupport.Soap s = asApp(mb, pull(INBOX, types("NewMailEvent", "CreatedEvent", "ModifiedEvent"), 10));
        assertThat(s.responseCode()).isEqualTo("NoError");
        String id = s.first("SubscriptionId");
        String w0 = s.first("Watermark");
        assertThat(id).isNotBlank();
        assertThat(w0).isNotBlank();

        deliver(mb, "First");
        EwsTestSupport.Soap e = asApp(mb, getEvents(id, w0));
        assertThat(e.responseCode()).isEqualTo("NoError");
        assertThat(e.first("PreviousWatermark")).isEqualTo(w0);
        assertThat(e.first("MoreEvents")).isEqualTo("false");
        assertThat(eventNames(e)).containsExactly("CreatedEvent", "NewMailEvent", "ModifiedEvent");
        assertThat(e.first("UnreadCount")).isEqualTo("1");
        String itemId = e.attr("ItemId", "Id");
        assertThat(itemId).isNotBlank();
        assertThat(e.attr("ItemId", "ChangeKey")).isEqualTo("CQAAAA==");

        EwsTestSupport.Soap quiet = asApp(mb, getEvents(id, lastWatermark(e)));
        assertThat(eventNames(quiet)).containsExactly("StatusEvent");
        // The same watermark again gives the same events (GetEvents is repeatable until acknowledged).
        assertThat(eventNames(asApp(mb, getEvents(id, w0))))
                .containsExactly("CreatedEvent", "NewMailEvent", "ModifiedEvent");

        EwsTestSupport.Soap u =
                asApp(mb, "<m:Unsubscribe><m:SubscriptionId>" + id + "</m:SubscriptionId></m:Unsubscribe>");
        assertThat(u.responseCode()).isEqualTo("NoError");
        EwsTestSupport.Soap gone = asApp(mb, getEvents(id, w0));
        assertThat(gone.responseCode()).isEqualTo("ErrorSubscriptionNotFound");
        assertThat(gone.first("MessageText")).isEqualTo("The specified subscription was not found.");
    }

    @Test
    void pullAllFoldersSeesMovesCopiesDeletesAndFolderCreation() throws Exception {
        String mb = freshMailbox();
        EwsTestSupport.Soap s = asApp(
                mb, pull(null, types("MovedEvent", "CopiedEvent", "DeletedEvent", "CreatedEvent", "ModifiedEvent"), 5));
        String id = s.first("SubscriptionId");
        String w = s.first("Watermark");
        String item = emulator.exchange().store().deliver(mb, EwsTestSupport.mime("a@example.com", mb, "M", "x"));
        EwsTestSupport.Soap moved = asApp(
                mb,
                "<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id=\"junkemail\"/></m:ToFolderId><m:ItemIds><t:ItemId Id=\""
                        + item + "\"/></m:ItemIds></m:MoveItem>");
        String newId = moved.attr("ItemId", "Id");
        asApp(
                mb,
                "<m:CopyItem><m:ToFolderId><t:DistinguishedFolderId Id=\"drafts\"/></m:ToFolderId><m:ItemIds><t:ItemId Id=\""
                        + newId + "\"/></m:ItemIds></m:CopyItem>");
        asApp(
                mb,
                "<m:DeleteItem DeleteType=\"HardDelete\"><m:ItemIds><t:ItemId Id=\"" + newId
                        + "\"/></m:ItemIds></m:DeleteItem>");
        asApp(
                mb,
                "<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Projects</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>");
        EwsTestSupport.Soap e = asApp(mb, getEvents(id, w));
        List<String> names = eventNames(e);
        assertThat(names).contains("MovedEvent", "CopiedEvent", "DeletedEvent", "CreatedEvent", "ModifiedEvent");
        assertThat(names).doesNotContain("NewMailEvent");
        assertThat(e.attr("OldItemId", "Id")).isEqualTo(item);
        assertThat(e.all("FolderId")).isNotEmpty();
    }

    @Test
    void moreEventsPagesByFifty() throws Exception {
        String mb = freshMailbox();
        EwsTestSupport.Soap s = asApp(mb, pull(INBOX, types("NewMailEvent"), 10));
        String id = s.first("SubscriptionId");
        for (int i = 0; i < 60; i++) {
            deliver(mb, "m" + i);
        }
        EwsTestSupport.Soap first = asApp(mb, getEvents(id, s.first("Watermark")));
        assertThat(eventNames(first)).hasSize(50);
        assertThat(first.first("MoreEvents")).isEqualTo("true");
        EwsTestSupport.Soap second = asApp(mb, getEvents(id, lastWatermark(first)));
        assertThat(eventNames(second)).hasSize(10);
        assertThat(second.first("MoreEvents")).isEqualTo("false");
        assertThat(second.first("PreviousWatermark")).isEqualTo(lastWatermark(first));
    }

    @Test
    void pullSubscriptionExpiresAfterItsTimeout() throws Exception {
        String mb = freshMailbox();
        EwsTestSupport.Soap s = asApp(mb, pull(INBOX, types("NewMailEvent"), 2));
        String id = s.first("SubscriptionId");
        String w = s.first("Watermark");
        emulator.clock().advance(Duration.ofSeconds(90));
        assertThat(asApp(mb, getEvents(id, w)).responseCode()).isEqualTo("NoError");
        emulator.clock().advance(Duration.ofSeconds(119));
        assertThat(asApp(mb, getEvents(id, w)).responseCode()).isEqualTo("NoError");
        emulator.clock().advance(Duration.ofMinutes(3));
        EwsTestSupport.Soap expired = asApp(mb, getEvents(id, w));
        assertThat(expired.responseCode()).isEqualTo("ErrorExpiredSubscription");
        assertThat(expired.attr("GetEventsResponseMessage", "ResponseClass")).isEqualTo("Error");
        assertThat(asApp(mb, getEvents(id, w)).responseCode()).isEqualTo("ErrorSubscriptionNotFound");
    }

    @Test
    void controlApiExpiresSubscriptions() throws Exception {
        String mb = freshMailbox();
        EwsTestSupport.Soap s = asApp(mb, pull(INBOX, types("NewMailEvent"), 30));
        String id = s.first("SubscriptionId");
        assertThat(ews.control("GET", "/notifications/subscriptions?mailbox=" + mb, null)
                        .path("subscriptionIds")
                        .get(0)
                        .asText())
                .isEqualTo(id);
        assertThat(ews.control("POST", "/notifications/expire", "{\"subscriptionId\":\"" + id + "\"}")
                        .path("expired")
                        .asInt())
                .isEqualTo(1);
        assertThat(asApp(mb, getEvents(id, s.first("Watermark"))).responseCode())
                .isEqualTo("ErrorExpiredSubscription");
    }

    @Test
    void badWatermarksIdsAndArguments() throws Exception {
        String mb = freshMailbox();
        String other = freshMailbox();
        EwsTestSupport.Soap s = asApp(mb, pull(INBOX, types("NewMailEvent"), 10));
        String id = s.first("SubscriptionId");
        EwsTestSupport.Soap foreign = asApp(other, pull(INBOX, types("NewMailEvent"), 10));
        assertThat(asApp(mb, getEvents(id, foreign.first("Watermark"))).responseCode())
                .isEqualTo("ErrorInvalidWatermark");
        assertThat(asApp(mb, getEvents(id, "AAAAAHgGAAAAAAAAAQ==")).responseCode())
                .isEqualTo("ErrorInvalidWatermark");
        assertThat(asApp(mb, getEvents("JgAAAAAAAAAAAAAA", s.first("Watermark")))
                        .responseCode())
                .isEqualTo("ErrorSubscriptionNotFound");
        // Subscribe with a watermark of another mailbox
        assertThat(asApp(
                                mb,
                                "<m:Subscribe><m:PullSubscriptionRequest>" + INBOX + types("NewMailEvent")
                                        + "<t:Watermark>" + foreign.first("Watermark")
                                        + "</t:Watermark><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>")
                        .responseCode())
                .isEqualTo("ErrorInvalidWatermark");
        // GetEvents on a streaming subscription
        String streamId = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
        assertThat(asApp(mb, getEvents(streamId, s.first("Watermark"))).responseCode())
                .isEqualTo("ErrorInvalidPullSubscriptionId");
        // Timeout outside 1..1440 is a schema violation (SOAP fault)
        EwsTestSupport.Soap bad = ews.raw(
                "Bearer " + appToken,
                EwsTestSupport.envelope(impersonate(mb), pull(INBOX, types("NewMailEvent"), 0)),
                Map.of("X-AnchorMailbox", mb));
        assertThat(bad.status()).isEqualTo(500);
        assertThat(bad.body()).contains("ErrorSchemaValidation");
        // both FolderIds and SubscribeToAllFolders
        assertThat(asApp(
                                mb,
                                "<m:Subscribe><m:PullSubscriptionRequest SubscribeToAllFolders=\"true\">" + INBOX
                                        + types("NewMailEvent")
                                        + "<t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>")
                        .responseCode())
                .isEqualTo("ErrorInvalidSubscriptionRequest");
    }

    @Test
    void subscriptionsPerMailboxAreLimited() throws Exception {
        String mb = freshMailbox();
        for (int i = 0; i < 20; i++) {
            assertThat(asApp(mb, pull(INBOX, types("NewMailEvent"), 10)).responseCode())
                    .isEqualTo("NoError");
        }
        EwsTestSupport.Soap over = asApp(mb, pull(INBOX, types("NewMailEvent"), 10));
        assertThat(over.responseCode()).isEqualTo("ErrorExceededSubscriptionCount");
    }

    @Test
    void preferServerAffinityGetsBackEndCookie() throws Exception {
        String mb = freshMailbox();
        EwsTestSupport.Soap s = ews.call(
                "Bearer " + appToken,
                impersonate(mb),
                streaming(INBOX, types("NewMailEvent")),
                Map.of("X-AnchorMailbox", mb, "X-PreferServerAffinity", "true"));
        assertThat(s.header("Set-Cookie"))
                .startsWith("X-BackEndOverrideCookie=")
                .contains("~");
    }

    // ----- streaming -----

    /** A GetStreamingEvents response read frame by frame; each frame is schema-validated. */
    static final class Stream implements AutoCloseable {
        final HttpResponse<InputStream> http;
        final BlockingQueue<Object> frames = new LinkedBlockingQueue<>();
        final Thread reader;

        Stream(HttpResponse<InputStream> http) {
            this.http = http;
            this.reader = new Thread(this::read, "stream-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            StringBuilder buf = new StringBuilder();
            byte[] b = new byte[8192];
            try (InputStream in = http.body()) {
                int n;
                while ((n = in.read(b)) >= 0) {
                    buf.append(new String(b, 0, n, StandardCharsets.UTF_8));
                    int end;
                    while ((end = buf.indexOf("</s:Envelope>")) >= 0) {
                        String frame = buf.substring(0, end + "</s:Envelope>".length());
                        buf.delete(0, end + "</s:Envelope>".length());
                        frames.add(
                                EwsSchemaValidator.validateEnvelope(EwsSchemaValidator.streamingErratum(frame.trim())));
                    }
                }
                frames.add(buf.toString().isBlank() ? "EOF" : "EOF with " + buf);
            } catch (IOException e) {
                frames.add(e);
            } catch (Exception e) {
                frames.add(new AssertionError(e));
            }
        }

        /** The next frame (a Document), or "EOF", or the IOException that ended the stream. */
        Object next(long seconds) throws InterruptedException {
            Object o = frames.poll(seconds, TimeUnit.SECONDS);
            if (o instanceof AssertionError e) {
                throw e;
            }
            return o;
        }

        Document nextDoc(long seconds) throws InterruptedException {
            Object o = next(seconds);
            assertThat(o).as("frame").isInstanceOf(Document.class);
            return (Document) o;
        }

        @Override
        public void close() {
            reader.interrupt();
        }
    }

    static String status(Document d) {
        var l = d.getElementsByTagNameNS(EwsTestSupport.M, "ConnectionStatus");
        return l.getLength() == 0 ? null : l.item(0).getTextContent();
    }

    static List<String> events(Document d) {
        List<String> out = new ArrayList<>();
        var l = d.getElementsByTagNameNS(EwsTestSupport.T, "Notification");
        var n = d.getElementsByTagNameNS(EwsTestSupport.M, "Notification");
        for (var list : List.of(l, n)) {
            for (int i = 0; i < list.getLength(); i++) {
                for (org.w3c.dom.Node c = list.item(i).getFirstChild(); c != null; c = c.getNextSibling()) {
                    if (c instanceof Element e && e.getLocalName().endsWith("Event")) {
                        out.add(e.getLocalName());
                    }
                }
            }
        }
        return out;
    }

    static String getStreaming(int timeout, String... ids) {
        StringBuilder b = new StringBuilder("<m:GetStreamingEvents><m:SubscriptionIds>");
        for (String id : ids) {
            b.append("<t:SubscriptionId>").append(id).append("</t:SubscriptionId>");
        }
        return b.append("</m:SubscriptionIds><m:ConnectionTimeout>")
                .append(timeout)
                .append("</m:ConnectionTimeout></m:GetStreamingEvents>")
                .toString();
    }

    static Stream open(String mb, String body) throws Exception {
        String xml = EwsTestSupport.envelope(impersonate(mb), body);
        EwsSchemaValidator.validateEnvelope(xml);
        HttpResponse<InputStream> r = ews.http.send(
                HttpRequest.newBuilder(URI.create(ews.ewsUrl()))
                        .header("Content-Type", "text/xml; charset=utf-8")
                        .header("Authorization", "Bearer " + appToken)
                        .header("X-AnchorMailbox", mb)
                        .POST(HttpRequest.BodyPublishers.ofString(xml))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return new Stream(r);
    }

    static void fastTiming(long heartbeatMillis, long minuteMillis) throws Exception {
        ews.control(
                "POST",
                "/notifications/timing",
                "{\"heartbeatMilliseconds\":" + heartbeatMillis + ",\"minuteMilliseconds\":" + minuteMillis + "}");
    }

    @Test
    void streamingDeliversEventsHeartbeatsAndClosesAfterTimeout() throws Exception {
        fastTiming(300, 2_000);
        String mb = freshMailbox();
        String id = asApp(mb, streaming(INBOX, types("NewMailEvent", "CreatedEvent", "ModifiedEvent")))
                .first("SubscriptionId");
        long t0 = System.nanoTime();
        try (Stream s = open(mb, getStreaming(1, id))) {
            assertThat(s.http.headers().firstValue("Content-Length")).isEmpty();
            deliver(mb, "Streamed");
            List<String> seen = new ArrayList<>();
            int heartbeats = 0;
            String last = null;
            while (last == null) {
                Document d = s.nextDoc(10);
                String st = status(d);
                if ("OK".equals(st)) {
                    heartbeats++;
                } else if ("Closed".equals(st)) {
                    last = st;
                } else {
                    seen.addAll(events(d));
                    assertThat(d.getElementsByTagNameNS(EwsTestSupport.T, "SubscriptionId")
                                    .item(0)
                                    .getTextContent())
                            .isEqualTo(id);
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(seen).containsExactly("CreatedEvent", "NewMailEvent", "ModifiedEvent");
            assertThat(heartbeats).isGreaterThanOrEqualTo(2);
            assertThat(ms).isGreaterThanOrEqualTo(1_900);
            assertThat(s.next(5)).isEqualTo("EOF");
        }
        // Events that happen between connections are queued for the next one.
        deliver(mb, "While away");
        try (Stream s = open(mb, getStreaming(1, id))) {
            Document d = s.nextDoc(5);
            while (status(d) != null) {
                d = s.nextDoc(5);
            }
            assertThat(events(d)).containsExactly("CreatedEvent", "NewMailEvent", "ModifiedEvent");
            emulator.exchange().notifications().cutStreams(mb);
        }
    }

    @Test
    void cutStreamEndsWithoutClosedMessage() throws Exception {
        fastTiming(200, 60_000);
        String mb = freshMailbox();
        String id = asApp(mb, streaming(null, types("NewMailEvent"))).first("SubscriptionId");
        try (Stream s = open(mb, getStreaming(30, id))) {
            assertThat(status(s.nextDoc(5))).isEqualTo("OK");
            assertThat(ews.control("POST", "/notifications/cut-streams", "{\"mailbox\":\"" + mb + "\"}")
                            .path("cut")
                            .asInt())
                    .isEqualTo(1);
            Object end;
            do {
                end = s.next(5);
                if (end instanceof Document d) {
                    assertThat(status(d)).isNotEqualTo("Closed");
                }
            } while (end instanceof Document);
            assertThat(end).isNotNull().isNotEqualTo("EOF");
        }
        assertThat(emulator.exchange().notifications().openStreams()).isZero();
    }

    @Test
    void connectionLimitPerUser() throws Exception {
        fastTiming(200, 60_000);
        ews.control("POST", "/notifications/limits", "{\"connections\":2}");
        String mb = freshMailbox();
        String id = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
        String id2 = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
        String id3 = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
        try (Stream a = open(mb, getStreaming(30, id));
                Stream b = open(mb, getStreaming(30, id2))) {
            a.nextDoc(5);
            b.nextDoc(5);
            EwsTestSupport.Soap over = asApp(mb, getStreaming(30, id3));
            assertThat(over.status()).isEqualTo(200);
            assertThat(over.responseCode()).isEqualTo("ErrorExceededConnectionCount");
            assertThat(over.first("ConnectionStatus")).isEqualTo("Closed");
            emulator.exchange().notifications().cutStreams(mb);
        }
    }

    @Test
    void defaultConnectionLimitIsTenOnline() throws Exception {
        fastTiming(5_000, 60_000);
        String mb = freshMailbox();
        List<Stream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                String id = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
                streams.add(open(mb, getStreaming(30, id)));
            }
            String id = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
            assertThat(asApp(mb, getStreaming(30, id)).responseCode()).isEqualTo("ErrorExceededConnectionCount");
        } finally {
            emulator.exchange().notifications().cutStreams(mb);
            streams.forEach(Stream::close);
        }
    }

    @Test
    void invalidAndExpiredStreamingSubscriptions() throws Exception {
        fastTiming(200, 60_000);
        String mb = freshMailbox();
        EwsTestSupport.Soap unknown = asApp(mb, getStreaming(1, "JgAAAAAAAAAAAAAA"));
        assertThat(unknown.responseCode()).isEqualTo("ErrorSubscriptionNotFound");
        assertThat(unknown.first("ConnectionStatus")).isEqualTo("Closed");
        assertThat(unknown.all("ErrorSubscriptionIds")).hasSize(1);

        String id = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
        String pullId = asApp(mb, pull(INBOX, types("NewMailEvent"), 5)).first("SubscriptionId");
        EwsTestSupport.Soap mixed = asApp(mb, getStreaming(1, id, pullId));
        assertThat(mixed.responseCode()).isEqualTo("ErrorInvalidSubscription");
        assertThat(mixed.body()).contains(pullId).doesNotContain(">" + id + "<");

        // ConnectionTimeout outside 1..30
        EwsTestSupport.Soap bad = ews.raw(
                "Bearer " + appToken,
                EwsTestSupport.envelope(impersonate(mb), getStreaming(31, id)),
                Map.of("X-AnchorMailbox", mb));
        assertThat(bad.status()).isEqualTo(500);
        assertThat(bad.body()).contains("ErrorSchemaValidation");

        // Expired while connected: an error frame naming it, then Closed (no other subscription left).
        try (Stream s = open(mb, getStreaming(30, id))) {
            assertThat(status(s.nextDoc(5))).isEqualTo("OK");
            emulator.exchange().notifications().expire(id, null);
            Document d = s.nextDoc(5);
            while ("OK".equals(status(d))) {
                d = s.nextDoc(5);
            }
            assertThat(d.getElementsByTagNameNS(EwsTestSupport.M, "ResponseCode")
                            .item(0)
                            .getTextContent())
                    .isEqualTo("ErrorInvalidSubscription");
            assertThat(status(d)).isEqualTo("Closed");
            assertThat(s.next(5)).isEqualTo("EOF");
        }
        EwsTestSupport.Soap again = asApp(mb, getStreaming(1, id));
        assertThat(again.responseCode()).isEqualTo("ErrorInvalidSubscription");
    }

    @Test
    void unsubscribeEndsStreamingSubscription() throws Exception {
        fastTiming(200, 60_000);
        String mb = freshMailbox();
        String id = asApp(mb, streaming(INBOX, types("NewMailEvent"))).first("SubscriptionId");
        try (Stream s = open(mb, getStreaming(30, id))) {
            s.nextDoc(5);
            assertThat(asApp(mb, "<m:Unsubscribe><m:SubscriptionId>" + id + "</m:SubscriptionId></m:Unsubscribe>")
                            .responseCode())
                    .isEqualTo("NoError");
            Document d = s.nextDoc(5);
            while ("OK".equals(status(d))) {
                d = s.nextDoc(5);
            }
            assertThat(status(d)).isEqualTo("Closed");
        }
    }

    // ----- push -----

    @Test
    void pushPostsSendNotificationUntilClientUnsubscribes() throws Exception {
        fastTiming(200, 1_000);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] calls = {0};
        server.createContext("/listener", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(body);
            calls[0]++;
            String status = body.contains("NewMailEvent") ? "Unsubscribe" : "OK";
            if (calls[0] == 1 && !body.contains("NewMailEvent")) {
                ex.sendResponseHeaders(500, -1);
                ex.close();
                return;
            }
            byte[] answer = EwsTestSupport.envelope(
                            null,
                            "<m:SendNotificationResult><m:SubscriptionStatus>" + status
                                    + "</m:SubscriptionStatus></m:SendNotificationResult>")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        EwsSchemaValidator.validateEnvelope(
                EwsTestSupport.envelope(
                        null,
                        "<m:SendNotificationResult><m:SubscriptionStatus>Unsubscribe</m:SubscriptionStatus></m:SendNotificationResult>"));
        try {
            String mb = freshMailbox();
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/listener";
            EwsTestSupport.Soap s = asApp(
                    mb,
                    "<m:Subscribe><m:PushSubscriptionRequest>" + INBOX + types("NewMailEvent")
                            + "<t:StatusFrequency>1</t:StatusFrequency><t:URL>" + url
                            + "</t:URL></m:PushSubscriptionRequest></m:Subscribe>");
            assertThat(s.responseCode()).isEqualTo("NoError");
            String id = s.first("SubscriptionId");
            // First status push fails (500) and is retried; then a status event arrives.
            String status = received.poll(10, TimeUnit.SECONDS);
            assertThat(status).contains("StatusEvent");
            String retried = received.poll(10, TimeUnit.SECONDS);
            assertThat(retried).contains("StatusEvent").contains(id);
            EwsSchemaValidator.validateEnvelope(retried);
            deliver(mb, "Pushed");
            String pushed = received.poll(10, TimeUnit.SECONDS);
            while (pushed != null && !pushed.contains("NewMailEvent")) {
                pushed = received.poll(10, TimeUnit.SECONDS);
            }
            assertThat(pushed).contains("NewMailEvent").contains("PreviousWatermark");
            EwsSchemaValidator.validateEnvelope(pushed);
            Thread.sleep(300);
            assertThat(emulator.exchange().notifications().subscriptionIds(mb)).doesNotContain(id);
            // GetEvents/Unsubscribe do not take push ids
            assertThat(asApp(mb, "<m:Unsubscribe><m:SubscriptionId>" + id + "</m:SubscriptionId></m:Unsubscribe>")
                            .responseCode())
                    .isEqualTo("ErrorSubscriptionNotFound");
            EwsTestSupport.Soap badUrl = asApp(
                    mb,
                    "<m:Subscribe><m:PushSubscriptionRequest>" + INBOX + types("NewMailEvent")
                            + "<t:StatusFrequency>1</t:StatusFrequency><t:URL>ftp://x</t:URL></m:PushSubscriptionRequest></m:Subscribe>");
            assertThat(badUrl.responseCode()).isEqualTo("ErrorInvalidPushSubscriptionUrl");
        } finally {
            server.stop(0);
        }
    }
}
