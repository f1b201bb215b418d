package dev.mailbridge.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.error.EwsException;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.MailboxEvent;
import dev.mailbridge.ews.model.Notification;
import dev.mailbridge.ews.ops.EventType;
import dev.mailbridge.ews.ops.GetEvents;
import dev.mailbridge.ews.ops.GetStreamingEvents;
import dev.mailbridge.ews.ops.PushNotifications;
import dev.mailbridge.ews.ops.Subscribe;
import dev.mailbridge.ews.ops.Unsubscribe;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pull and streaming notifications against the emulator's Exchange. */
class EmulatorNotificationsTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String ADELE = EmulatorEwsTest.ADELE;
    static Emulator emulator;
    static EwsClient adele;
    static EwsProtocol oneStreamPerAccount;
    static SignIn adeleSignIn;

    @BeforeAll
    static void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        HttpSettings http =
                HttpSettings.builder().trustPem(emulator.caCertificate()).build();
        CloudProfile cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        var tokens = EntraTokens.appOnly(
                AppRegistration.confidential(
                        cloud,
                        EmulatorEwsTest.TENANT,
                        EmulatorEwsTest.WEB_APP,
                        ClientCredential.secret(Secret.of(EmulatorEwsTest.WEB_APP_SECRET))),
                cloud.ewsAppScope(),
                http);
        URI ews = URI.create(emulator.loginUrl().toString().replaceAll("/$", "") + "/EWS/Exchange.asmx");
        adeleSignIn = SignIn.appOnly(tokens, ADELE);
        adele = EwsProtocol.builder(ews)
                .httpSettings(http)
                .requestObserver(new EwsSchema.Validating())
                .build()
                .client(adeleSignIn);
        oneStreamPerAccount = EwsProtocol.builder(ews)
                .httpSettings(http)
                .requestObserver(new EwsSchema.Validating())
                .maxStreamingConnectionsPerAccount(1)
                .build();
    }

    /** A push subscription: the emulator POSTs SendNotification to a receiver here, which answers OK, then Unsubscribe. */
    @Test
    void pushSubscriptionPostsNewMailUntilTheReceiverUnsubscribes() throws Exception {
        List<Notification> received = new CopyOnWriteArrayList<>();
        CountDownLatch newMail = new CountDownLatch(1);
        AtomicBoolean keep = new AtomicBoolean(true);
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/ews-push", exchange -> {
            Notification n;
            try (InputStream body = exchange.getRequestBody()) {
                n = PushNotifications.read(EwsXml.defaults(), body);
            }
            received.add(n);
            if (n.events().stream().anyMatch(e -> e.type().equals("NewMailEvent"))) {
                newMail.countDown();
            }
            byte[] answer = PushNotifications.answer(keep.get()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml; charset=utf-8");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        receiver.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/ews-push");
            Subscribe.Subscription sub =
                    adele.execute(Subscribe.push(List.of(FolderRef.inbox()), EventType.mail(), url, 1, null));
            assertThat(sub.id()).isNotBlank();
            emulator.exchange().mailboxes().deliver(ADELE, EmulatorEwsTest.message("pushed", ADELE));
            assertThat(newMail.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(received).allSatisfy(n -> assertThat(n.subscriptionId()).isEqualTo(sub.id()));

            keep.set(false); // the next notification is answered with Unsubscribe: the subscription ends
            int before = received.size();
            emulator.exchange().mailboxes().deliver(ADELE, EmulatorEwsTest.message("ends it", ADELE));
            for (int i = 0; i < 100 && received.size() == before; i++) {
                Thread.sleep(100);
            }
            assertThat(received).hasSizeGreaterThan(before);
            assertThatThrownBy(() -> adele.execute(new Unsubscribe(sub.id())))
                    .isInstanceOfSatisfying(
                            EwsResponseException.class,
                            e -> assertThat(e.subscriptionLost()).isTrue());
        } finally {
            receiver.stop(0);
        }
    }

    /** Past the account's streaming-connection limit the client refuses to open another, and says what to do. */
    @Test
    void refusesAStreamingConnectionBeyondTheAccountsLimit() throws Exception {
        EwsClient client = oneStreamPerAccount.client(adeleSignIn);
        Subscribe.Subscription sub = client.execute(Subscribe.streaming(List.of(), EventType.mail()));
        CountDownLatch firstFrame = new CountDownLatch(1);
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                client.stream(new GetStreamingEvents(List.of(sub.id()), 1), frame -> firstFrame.countDown());
            } catch (EwsException stopped) {
                firstFrame.countDown();
            }
        });
        emulator.exchange().mailboxes().deliver(ADELE, EmulatorEwsTest.message("first stream", ADELE));
        assertThat(firstFrame.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(first.isAlive()).as("the first connection is still open").isTrue();

        assertThatThrownBy(() -> client.stream(new GetStreamingEvents(List.of(sub.id()), 1), frame -> {}))
                .isInstanceOf(EwsException.class)
                .hasMessageContaining("1 streaming connections open")
                .hasMessageContaining("one GetStreamingEvents request");

        client.execute(new Unsubscribe(sub.id()));
        first.join(Duration.ofSeconds(90));
        assertThat(first.isAlive()).isFalse();
    }

    @Test
    void pullSubscriptionSeesNewMailThenUnsubscribes() {
        Subscribe.Subscription sub =
                adele.execute(Subscribe.pull(List.of(FolderRef.inbox()), EventType.mail(), 5, null));
        assertThat(sub.id()).isNotBlank();
        emulator.exchange().mailboxes().deliver(ADELE, EmulatorEwsTest.message("pull", ADELE));
        List<MailboxEvent> events = new ArrayList<>();
        String watermark = sub.watermark();
        Notification n;
        do {
            n = adele.execute(new GetEvents(sub.id(), watermark));
            events.addAll(n.events());
            watermark = n.lastWatermark();
        } while (n.moreEvents());
        assertThat(events).extracting(MailboxEvent::type).contains("NewMailEvent");
        adele.execute(new Unsubscribe(sub.id()));
        String last = watermark;
        assertThatThrownBy(() -> adele.execute(new GetEvents(sub.id(), last)))
                .isInstanceOfSatisfying(
                        EwsResponseException.class,
                        e -> assertThat(e.subscriptionLost()).isTrue());
    }

    @Test
    void streamingConnectionDeliversNewMail() throws Exception {
        Subscribe.Subscription sub = adele.execute(Subscribe.streaming(List.of(), EventType.mail()));
        List<MailboxEvent> events = new CopyOnWriteArrayList<>();
        CountDownLatch newMail = new CountDownLatch(1);
        try (StreamingConnection connection = new StreamingConnection(
                        adele, List.of(sub.id()), 1, new StreamingConnection.Listener() {
                            @Override
                            public void onNotification(Notification n) {
                                events.addAll(n.events());
                                if (n.events().stream().anyMatch(e -> e.type().equals("NewMailEvent"))) {
                                    newMail.countDown();
                                }
                            }

                            @Override
                            public void onStopped(EwsException cause) {
                                newMail.countDown();
                            }
                        })
                .start()) {
            for (int i = 0; i < 30 && newMail.getCount() > 0; i++) {
                emulator.exchange().mailboxes().deliver(ADELE, EmulatorEwsTest.message("stream " + i, ADELE));
                newMail.await(1, TimeUnit.SECONDS);
            }
            assertThat(newMail.await(30, TimeUnit.SECONDS)).isTrue();
            connection.close();
        }
        assertThat(events).extracting(MailboxEvent::type).contains("NewMailEvent");
        adele.execute(new Unsubscribe(sub.id()));
    }
}
