package dev.mailbridge.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.ops.GetStreamingEvents;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.ews.support.FakeExchange;
import dev.mailbridge.ews.support.Fixtures;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicCredential;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GetStreamingEvents: one chunked response of several complete envelopes (events, heartbeats, Closed). */
class StreamingEventsTest {
    private FakeExchange exchange;
    private EwsSchema.Validating schema;
    private EwsClient client;

    @BeforeEach
    void start() throws Exception {
        exchange = new FakeExchange();
        schema = new EwsSchema.Validating();
        client = EwsProtocol.builder(exchange.url())
                .requestObserver(schema)
                .build()
                .client(SignIn.basic(BasicCredential.of("svc", Secret.of("pw")).impersonating("anna@northwind.local")));
    }

    @AfterEach
    void stop() {
        exchange.close();
    }

    static String frame(String content) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<m:GetStreamingEventsResponse" + Fixtures.NS + "><m:ResponseMessages>" + content
                + "</m:ResponseMessages></m:GetStreamingEventsResponse></s:Body></s:Envelope>";
    }

    static final String EVENTS = frame(
            "<m:GetStreamingEventsResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                    + "<m:Notifications><m:Notification><t:SubscriptionId>S1</t:SubscriptionId>"
                    + "<t:CreatedEvent><t:TimeStamp>2013-09-16T04:31:29Z</t:TimeStamp><t:ItemId Id=\"I1\" ChangeKey=\"CQAAAA==\"/><t:ParentFolderId Id=\"F\" ChangeKey=\"AQAAAA==\"/></t:CreatedEvent>"
                    + "<t:NewMailEvent><t:TimeStamp>2013-09-16T04:31:29Z</t:TimeStamp><t:ItemId Id=\"I1\" ChangeKey=\"CQAAAA==\"/><t:ParentFolderId Id=\"F\" ChangeKey=\"AQAAAA==\"/></t:NewMailEvent>"
                    + "</m:Notification></m:Notifications></m:GetStreamingEventsResponseMessage>");
    static final String HEARTBEAT = frame(
            "<m:GetStreamingEventsResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                    + "<m:ConnectionStatus>OK</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>");
    static final String CLOSED = frame(
            "<m:GetStreamingEventsResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>"
                    + "<m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>");
    static final String INVALID = frame("<m:GetStreamingEventsResponseMessage ResponseClass=\"Error\"><m:MessageText/>"
            + "<m:ResponseCode>ErrorInvalidSubscription</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
            + "<m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>");

    static FakeExchange.Responder chunked(String... frames) {
        return (ex, req) -> {
            ex.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (String f : frames) {
                    out.write(f.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        };
    }

    @Test
    void framesAreDeliveredUntilClosed() {
        exchange.then(chunked(EVENTS, HEARTBEAT, CLOSED));
        List<GetStreamingEvents.Frame> frames = new CopyOnWriteArrayList<>();
        client.stream(new GetStreamingEvents(List.of("S1"), 30), frames::add);
        assertThat(frames).hasSize(3);
        assertThat(frames.get(0).notifications().get(0).events())
                .extracting(e -> e.type())
                .containsExactly("CreatedEvent", "NewMailEvent");
        assertThat(frames.get(1).heartbeat()).isTrue();
        assertThat(frames.get(2).closed()).isTrue();
        assertThat(exchange.requests().get(0).header("X-PreferServerAffinity")).isEqualTo("true");
        assertThat(schema.validated()).containsExactly("GetStreamingEvents");
    }

    @Test
    void errorFrameIsTypedAsLostSubscription() {
        exchange.then(chunked(INVALID));
        assertThatThrownBy(() -> client.stream(new GetStreamingEvents(List.of("S1"), 1), f -> {}))
                .isInstanceOfSatisfying(
                        EwsResponseException.class,
                        e -> assertThat(e.subscriptionLost()).isTrue());
    }

    @Test
    void streamCutWithoutClosedIsRetryable() {
        exchange.then(chunked(EVENTS));
        assertThatThrownBy(() -> client.stream(new GetStreamingEvents(List.of("S1"), 1), f -> {}))
                .isInstanceOfSatisfying(
                        EwsException.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void connectionReconnectsAfterClosedAndStopsWhenTheSubscriptionIsLost() throws Exception {
        exchange.then(chunked(EVENTS, CLOSED)).then(chunked(HEARTBEAT, CLOSED)).then(chunked(INVALID));
        List<Notification> notifications = new CopyOnWriteArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        EwsException[] cause = new EwsException[1];
        try (StreamingConnection connection = new StreamingConnection(
                        client,
                        new GetStreamingEvents(List.of("S1"), 30),
                        new StreamingConnection.Listener() {
                            @Override
                            public void onNotification(Notification n) {
                                notifications.add(n);
                            }

                            @Override
                            public void onStopped(EwsException e) {
                                cause[0] = e;
                                stopped.countDown();
                            }
                        },
                        Duration.ofSeconds(30))
                .start()) {
            assertThat(stopped.await(30, TimeUnit.SECONDS)).isTrue();
            connection.close();
        }
        assertThat(notifications).hasSize(1);
        assertThat(((EwsResponseException) cause[0]).subscriptionLost()).isTrue();
        assertThat(exchange.requests()).hasSize(3);
    }
}
