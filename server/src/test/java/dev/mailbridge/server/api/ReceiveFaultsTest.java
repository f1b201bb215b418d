package dev.mailbridge.server.api;

import static dev.mailbridge.server.api.ReceiveApiTest.await;
import static dev.mailbridge.server.api.ReceiveApiTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.emulator.junit.SignInBrowser;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.api.ReceiveApiTest.Receiver;
import dev.mailbridge.server.security.ApiKeys;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
 * The receive pipeline against the emulator's fault injection and a failing webhook receiver, through the
 * real server: Exchange throttling (ErrorServerBusy with BackOffMilliseconds) and 503s, a sync state
 * Exchange no longer accepts (full resync, nothing delivered twice), a delegated grant revoked in Entra while
 * the mailbox receives (flagged Revoked, mailbox.auth_failed, nothing lost after re-authorization), and a
 * receiver that answers 500 (retries with the same key, the dead letters, replay). The scheduler is held
 * back: every sync is the API's, so each fault meets the request the test means it for.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiveFaultsTest {
    static final int MAX_ATTEMPTS = 3;

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        ApiJourneys.properties(registry, TestDatabases.Kind.H2); // a fresh database, the public URL Entra knows
        registry.add("mailbridge.poll-initial-delay", () -> "PT24H");
        // every pass is the test's own "Sync now": no notification may start one
        registry.add("mailbridge.receive.notifications", () -> "poll");
        registry.add("mailbridge.delivery.max-attempts", () -> String.valueOf(MAX_ATTEMPTS));
        registry.add("mailbridge.delivery.retry-base", () -> "PT0.2S");
        registry.add("mailbridge.delivery.retry-cap", () -> "PT0.4S");
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    ApiClient api;
    String admin;
    String writer;
    String connection;
    Receiver receiver;
    String targetId;

    @BeforeEach
    void setUp() throws Exception {
        if (api == null) {
            api = new ApiClient(port);
            admin = apiKeys.create("faults admin", EnumSet.allOf(ApiKey.Scope.class), "test")
                    .value();
            writer = apiKeys.create("faults writer", EnumSet.of(ApiKey.Scope.WRITE, ApiKey.Scope.READ), "test")
                    .value();
            connection = api.northwindServiceConnection(writer, "Northwind faults", emulator());
        }
        receiver = new Receiver();
        targetId = ReceiveApiTest.webhookTarget(api, writer, receiver);
    }

    @AfterEach
    void tearDown() {
        emulator().exchange().faults().reset();
        api.delete("/api/v1/delivery-targets/" + targetId, writer).expect(204);
        receiver.close();
    }

    Emulator emulator() {
        return EMULATOR.emulator();
    }

    /** A receiving mailbox of this test's own (Exchange Server, Basic with impersonation). */
    String receiving(String prefix) {
        String mailbox = ReceiveApiTest.mailbox(api, writer, connection, emulator(), prefix);
        ReceiveApiTest.enable(api, writer, mailbox, false);
        return mailbox;
    }

    void deliver(String mailbox, String... subjects) {
        String address = api.get("/api/v1/mailboxes/" + mailbox, writer).text("address");
        for (String s : subjects) {
            ReceiveApiTest.deliver(emulator(), address, s);
        }
    }

    Reply sync(String mailbox) {
        return api.post("/api/v1/mailboxes/" + mailbox + "/sync", writer, null);
    }

    List<Receiver.Request> messages() {
        return receiver.accepted().stream()
                .filter(r -> "message.received".equals(r.event()))
                .toList();
    }

    Set<String> subjects() {
        return messages().stream()
                .map(r -> r.body().get("data").get("subject").asString())
                .collect(Collectors.toSet());
    }

    /** Waits for exactly {@code subjects} at the receiver, each once, and for no more. */
    void arriveOnce(String... subjects) throws InterruptedException {
        await("messages at the receiver", () -> subjects().containsAll(Set.of(subjects)));
        Thread.sleep(500); // a repeat would arrive now
        assertThat(subjects()).containsExactlyInAnyOrder(subjects);
        assertThat(messages()).hasSize(subjects.length);
        assertThat(receiver.requests)
                .allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
    }

    /**
     * "Start from now" means from when receiving was switched on, not from the first pass: in poll mode
     * that pass may be a whole poll interval later (here a day), and mail that arrived in between must
     * be delivered, not counted as already there.
     */
    @Test
    void startFromNowCountsWhatWasThereWhenReceivingWasSwitchedOn() throws Exception {
        String mailbox = ReceiveApiTest.mailbox(api, writer, connection, emulator(), "fromnow");
        deliver(mailbox, "Before switching on 1", "Before switching on 2");
        ReceiveApiTest.enable(api, writer, mailbox, true).expect(200);
        deliver(mailbox, "After switching on");
        Reply first = sync(mailbox).expect(200);
        assertThat(first.get("newMessages").asInt()).isEqualTo(1);
        arriveOnce("After switching on");
    }

    @Test
    void throttlingAndUnavailabilityAreWaitedOutAndEveryMessageArrives() throws Exception {
        String mailbox = receiving("throttled");
        deliver(mailbox, "Throttled 1", "Throttled 2");

        // ErrorServerBusy asking for 5.5 s, longer than the client's own default (5 s) for when Exchange names
        // none: a retry before then would show that BackOffMilliseconds was not read.
        emulator().exchange().faults().throttle(1, 5500);
        long t0 = System.nanoTime();
        Reply first = sync(mailbox).expect(200);
        long waited = System.nanoTime() - t0;
        assertThat(first.get("newMessages").asInt()).isEqualTo(2);
        assertThat(Duration.ofNanos(waited))
                .as("BackOffMilliseconds honoured")
                .isGreaterThanOrEqualTo(Duration.ofMillis(5500));

        // A 503 with Retry-After: 5: waited out within the client's retry budget.
        deliver(mailbox, "Unavailable 1", "Unavailable 2");
        emulator().exchange().faults().unavailable(1);
        t0 = System.nanoTime();
        Reply second = sync(mailbox).expect(200);
        waited = System.nanoTime() - t0;
        assertThat(second.get("newMessages").asInt()).isEqualTo(2);
        assertThat(Duration.ofNanos(waited)).as("Retry-After honoured").isGreaterThanOrEqualTo(Duration.ofSeconds(5));

        arriveOnce("Throttled 1", "Throttled 2", "Unavailable 1", "Unavailable 2");
        Reply d = api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", writer);
        assertThat(d.text("lastSyncError")).isNull();
    }

    @Test
    void anInvalidSyncStateMeansAFullResyncThatDeliversNothingTwice() throws Exception {
        String mailbox = receiving("resync");
        deliver(mailbox, "Before 1", "Before 2", "Before 3");
        assertThat(sync(mailbox).expect(200).get("newMessages").asInt()).isEqualTo(3);
        await("the first three", () -> subjects().size() == 3);

        emulator().exchange().store().invalidateSyncStates();
        deliver(mailbox, "After 1", "After 2");
        Reply resync = sync(mailbox).expect(200);
        assertThat(resync.get("restarted").asBoolean()).as(resync.toString()).isTrue();
        assertThat(resync.get("newMessages").asInt()).isEqualTo(2);
        assertThat(resync.get("alreadyReceived").asInt()).isEqualTo(3);

        arriveOnce("Before 1", "Before 2", "Before 3", "After 1", "After 2");
    }

    @Test
    void aGrantRevokedWhileReceivingFlagsTheMailboxTellsTheApplicationAndLosesNothing() throws Exception {
        String org = api.post("/api/v1/organisations", writer, body("name", "Contoso revoked"))
                .expect(201)
                .text("id");
        String delegated = api.post(
                        "/api/v1/organisations/" + org + "/connections",
                        writer,
                        ApiJourneys.oauth(emulator(), "Adele receives", "OAUTH_DELEGATED", ApiJourneys.CLIENT_SECRET))
                .expect(201)
                .text("id");
        String mailbox = api.post(
                        "/api/v1/connections/" + delegated + "/mailboxes", writer, body("address", ApiJourneys.ADELE))
                .expect(201)
                .text("id");
        String uiUser = "revoked-admin";
        api.post(
                        "/api/v1/users",
                        admin,
                        body("username", uiUser, "password", ApiJourneys.USER_PASSWORD, "role", "ADMIN"))
                .expect(201);
        SignInBrowser.Person adele = SignInBrowser.Person.of(ApiJourneys.ADELE, ApiJourneys.ADELE_PASSWORD);
        UiSession.authorize(api, writer, port, mailbox, uiUser, ApiJourneys.USER_PASSWORD, emulator(), adele);
        ReceiveApiTest.enable(api, writer, mailbox, true); // only what arrives from now
        sync(mailbox).expect(200);

        deliver(mailbox, "Before the revocation");
        assertThat(sync(mailbox).expect(200).get("newMessages").asInt()).isEqualTo(1);
        await("the first message", () -> subjects().contains("Before the revocation"));

        // An admin revokes Adele's sessions; the access token in hand runs out an hour later (Entra's access
        // tokens survive a revocation until they expire), and the refresh Exchange's 401 calls for fails.
        emulator().clock().advance(Duration.ofMinutes(1));
        emulator().entra().directory().revokeSessions(ApiJourneys.TENANT, ApiJourneys.ADELE);
        emulator().clock().advance(Duration.ofHours(2));
        deliver(mailbox, "During the revocation 1", "During the revocation 2");
        Reply failed = sync(mailbox);
        assertThat(failed.status()).as(failed.toString()).isBetween(400, 599);

        JsonNode status = api.get("/api/v1/mailboxes/" + mailbox, writer).get("status");
        assertThat(status.get("status").asString()).isEqualTo("REVOKED");
        assertThat(status.get("code").asString()).isEqualTo("AADSTS50173");
        assertThat(sync(mailbox).status()).as("no sync while revoked").isEqualTo(409);
        await(
                "mailbox.auth_failed at the receiver",
                () -> receiver.accepted().stream().anyMatch(r -> "mailbox.auth_failed".equals(r.event())));
        JsonNode event = receiver.accepted().stream()
                .filter(r -> "mailbox.auth_failed".equals(r.event()))
                .findFirst()
                .orElseThrow()
                .body()
                .get("data");
        assertThat(event.get("mailboxId").asString()).isEqualTo(mailbox);
        assertThat(event.get("status").asString()).isEqualTo("REVOKED");
        assertThat(event.get("code").asString()).isEqualTo("AADSTS50173");
        assertThat(api.get("/api/v1/mailboxes/" + mailbox + "/history", writer)
                        .json()
                        .findValuesAsString("code"))
                .contains("AADSTS50173");

        // Re-authorized, the mailbox picks up where its sync state left off.
        UiSession.authorize(api, writer, port, mailbox, uiUser, ApiJourneys.USER_PASSWORD, emulator(), adele);
        assertThat(sync(mailbox).expect(200).get("newMessages").asInt()).isEqualTo(2);
        arriveOnce("Before the revocation", "During the revocation 1", "During the revocation 2");
        assertThat(receiver.accepted().stream().filter(r -> "mailbox.auth_failed".equals(r.event())))
                .as("announced once")
                .hasSize(1);
        api.put("/api/v1/mailboxes/" + mailbox + "/receive", writer, body("enabled", false))
                .expect(200);
    }

    @Test
    void aFailingReceiverGetsTheSameKeyOnEveryAttemptThenTheDeadLettersThenTheReplay() throws Exception {
        // 500 on every attempt up to the last: dead. After the replay, one more 500, then accepted.
        receiver.answer = n -> n <= MAX_ATTEMPTS + 1 ? 500 : 204;
        String mailbox = receiving("failing");
        deliver(mailbox, "Keep trying");
        sync(mailbox).expect(200);

        await(
                "a dead letter",
                () -> api.get("/api/v1/dead-letters?mailboxId=" + mailbox, writer)
                                .json()
                                .size()
                        == 1);
        JsonNode dead = api.get("/api/v1/dead-letters?mailboxId=" + mailbox, writer)
                .json()
                .get(0);
        assertThat(dead.get("lastStatus").asInt()).isEqualTo(500);
        assertThat(dead.get("attempts").asInt()).isEqualTo(MAX_ATTEMPTS);
        assertThat(receiver.requests).hasSize(MAX_ATTEMPTS);
        String key = dead.get("idempotencyKey").asString();

        api.post("/api/v1/dead-letters/" + dead.get("id").asLong() + "/replay", writer, null)
                .expect(200);
        arriveOnce("Keep trying");
        assertThat(receiver.requests).hasSize(MAX_ATTEMPTS + 2);
        assertThat(receiver.requests.stream().map(Receiver.Request::answered).toList())
                .containsExactly(500, 500, 500, 500, 204);
        // one message, one key and one delivery ID on all five attempts
        assertThat(receiver.requests).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(key);
            assertThat(r.delivery()).isEqualTo(receiver.requests.getFirst().delivery());
        });
        await(
                "counters",
                () -> api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", writer)
                                .get("delivered")
                                .asInt()
                        == 1);
        assertThat(api.get("/api/v1/mailboxes/" + mailbox + "/deliveries", writer)
                        .get("dead")
                        .asInt())
                .isZero();
    }
}
