package dev.mailbridge.core.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.store.TestDatabases.Kind;
import dev.mailbridge.identity.Secret;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Webhook delivery end to end: the outbox, the worker and a real receiver that checks every signature. */
class WebhookDeliveryTest {
    private static final String SECRET = WebhookSignature.newSecret();

    private static DeliveryWorker worker(Fixture f, Outbox outbox, String name, DeliveryWorker.Options options) {
        return new DeliveryWorker(
                outbox,
                f.targets,
                List.of(new WebhookDeliverer(Duration.ofSeconds(5), Duration.ofSeconds(10), f.clock)),
                options.withName(name));
    }

    private static DeliveryWorker.Options fast() {
        return DeliveryWorker.Options.defaults()
                .withConcurrency(4)
                .withLease(Duration.ofSeconds(60))
                .withPollInterval(Duration.ofMillis(50));
    }

    private static UUID target(Fixture f, TestReceiver receiver, String path) {
        return f.targets
                .create(DeliveryTargetStore.Settings.webhook(path, receiver.url(path), Secret.of(SECRET)))
                .id();
    }

    private static boolean allIn(Fixture f, OutboxState state) {
        Map<OutboxState, Long> counts = f.outbox.stateCounts();
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        return total > 0 && counts.get(state) == total;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void deliversSignedJsonWithAStableIdempotencyKey(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind);
                TestReceiver receiver = new TestReceiver(SECRET)) {
            UUID target = target(f, receiver, "/hooks/helpdesk");
            // the first two attempts of every event fail, one with Retry-After
            receiver.script((path, n) -> switch (n) {
                case 1 -> TestReceiver.Answer.of(500);
                case 2 -> new TestReceiver.Answer(429, Map.of("Retry-After", "0"), "slow down");
                default -> TestReceiver.Answer.of(200);
            });
            UUID mailbox = UUID.randomUUID();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(f.outbox
                        .enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<w" + i + "@x>", mailbox))
                        .id());
            }
            try (DeliveryWorker w = worker(f, f.outbox, "w1", fast())) {
                w.start();
                Fixture.await("every event delivered", () -> allIn(f, OutboxState.DELIVERED));
            }

            List<TestReceiver.Received> got = receiver.received();
            assertThat(got).hasSize(15).allSatisfy(r -> {
                assertThat(r.signatureValid()).isTrue();
                assertThat(r.contentType()).isEqualTo("application/json");
                assertThat(r.event()).isEqualTo("message.received");
                assertThat(r.timestamp()).matches("\\d{10}");
            });
            Map<String, List<TestReceiver.Received>> byKey =
                    got.stream().collect(Collectors.groupingBy(TestReceiver.Received::key));
            assertThat(byKey).hasSize(5);
            ObjectMapper json = new ObjectMapper();
            for (List<TestReceiver.Received> attempts : byKey.values()) {
                assertThat(attempts).hasSize(3);
                assertThat(attempts)
                        .extracting(TestReceiver.Received::body)
                        .containsOnly(attempts.get(0).body());
                assertThat(attempts)
                        .extracting(TestReceiver.Received::delivery)
                        .containsOnly(attempts.get(0).delivery());
                JsonNode body = json.readTree(attempts.get(0).body());
                assertThat(body.get("id").asText()).isEqualTo(attempts.get(0).key());
                assertThat(body.get("type").asText()).isEqualTo("message.received");
                assertThat(body.get("mailbox_id").asText()).isEqualTo(mailbox.toString());
                assertThat(body.get("data").get("subject").asText()).isEqualTo("Printer on floor 3 is jammed");
                assertThat(ids).contains(Long.parseLong(attempts.get(0).delivery()));
            }
            assertThat(f.outbox.counters(mailbox).delivered()).isEqualTo(5);
            assertThat(f.outbox.get(ids.get(0)).orElseThrow()).satisfies(e -> {
                assertThat(e.attempts()).isEqualTo(3);
                assertThat(e.lastStatus()).contains(200);
                assertThat(e.lastError()).isEmpty();
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void buriesGoneTargetsAtOnceAndRefusalsAfterTheLimitThenReplays(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind);
                TestReceiver receiver = new TestReceiver(SECRET)) {
            UUID gone = target(f, receiver, "/gone");
            UUID refusing = target(f, receiver, "/refusing");
            java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
            receiver.script((path, n) -> {
                if (path.equals("/gone")) {
                    return TestReceiver.Answer.of(410);
                }
                return fixed.get()
                        ? TestReceiver.Answer.of(204)
                        : new TestReceiver.Answer(422, Map.of(), "unknown field 'data'" + "x".repeat(2000));
            });
            UUID mailbox = UUID.randomUUID();
            long g = f.outbox
                    .enqueue(gone, Fixture.event(EventType.MESSAGE_RECEIVED, "<g@x>", mailbox))
                    .id();
            long r = f.outbox
                    .enqueue(refusing, Fixture.event(EventType.MESSAGE_SENT, "<r@x>", mailbox))
                    .id();
            try (DeliveryWorker w = worker(f, f.outbox, "w1", fast())) {
                w.start();
                Fixture.await("both dead", () -> allIn(f, OutboxState.DEAD));

                OutboxEntry deadGone = f.outbox.get(g).orElseThrow();
                assertThat(deadGone.attempts()).isEqualTo(1);
                assertThat(deadGone.lastStatus()).contains(410);
                assertThat(deadGone.lastError())
                        .hasValueSatisfying(e -> assertThat(e).contains("HTTP 410", "gone"));
                OutboxEntry deadRefused = f.outbox.get(r).orElseThrow();
                assertThat(deadRefused.attempts()).isEqualTo(Fixture.FAST.maxAttempts());
                assertThat(deadRefused.lastError())
                        .hasValueSatisfying(e -> assertThat(e)
                                .contains("HTTP 422: unknown field 'data'", "refused")
                                .hasSizeLessThan(700));
                assertThat(f.outbox.deadLetters(Optional.of(mailbox), 0, 10)).hasSize(2);

                fixed.set(true);
                assertThat(f.outbox.replay(r)).isTrue();
                Fixture.await(
                        "the replayed event delivered",
                        () -> f.outbox.get(r).orElseThrow().state().equals(OutboxState.DELIVERED));
            }
            Set<String> keys = receiver.received().stream()
                    .filter(x -> x.path().equals("/refusing"))
                    .map(TestReceiver.Received::key)
                    .collect(Collectors.toSet());
            assertThat(keys)
                    .as("the same key on every attempt and after the replay")
                    .hasSize(1);
            assertThat(receiver.received())
                    .filteredOn(x -> x.path().equals("/gone"))
                    .hasSize(1);
            assertThat(f.outbox.counters(mailbox)).satisfies(c -> {
                assertThat(c.delivered()).isEqualTo(1);
                assertThat(c.dead()).isEqualTo(1);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void retriesWhenTheReceiverIsDown(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            UUID target = f.targets
                    .create(DeliveryTargetStore.Settings.webhook("down", "http://127.0.0.1:9/hook", Secret.of(SECRET)))
                    .id();
            long id = f.outbox
                    .enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<d@x>", UUID.randomUUID()))
                    .id();
            try (DeliveryWorker w = worker(f, f.outbox, "w1", fast())) {
                w.start();
                Fixture.await(
                        "a failed attempt recorded",
                        () -> f.outbox.get(id).orElseThrow().lastError().isPresent());
            }
            assertThat(f.outbox.get(id).orElseThrow().lastError())
                    .hasValueSatisfying(
                            e -> assertThat(e).contains("127.0.0.1:9").doesNotContain(SECRET));
        }
    }

    /**
     * A worker claims every event, sends some of them, and dies before recording anything. When its leases
     * run out another worker delivers everything: every event arrives, and only those the dead worker had
     * sent arrive twice, with the same key.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aKilledWorkersEventsAreDeliveredAfterItsLeaseRunsOut(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind);
                TestReceiver receiver = new TestReceiver(SECRET)) {
            UUID target = target(f, receiver, "/hooks/helpdesk");
            UUID mailbox = UUID.randomUUID();
            int n = 20;
            for (int i = 0; i < n; i++) {
                f.outbox.enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<k" + i + "@x>", mailbox));
            }
            Outbox crashed = f.otherOutbox();
            List<OutboxEntry> leased = crashed.claim("crashed", n, Duration.ofSeconds(1));
            assertThat(leased).hasSize(n);
            DeliveryTarget t = f.targets.get(target).orElseThrow();
            Set<String> sentBeforeCrash = new HashSet<>();
            try (WebhookDeliverer d = new WebhookDeliverer()) {
                for (int i = 0; i < n; i += 2) {
                    DeliveryResult result = d.deliver(leased.get(i), t, Optional.of(Secret.of(SECRET)));
                    assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
                    sentBeforeCrash.add(leased.get(i).idempotencyKey());
                }
            }
            // killed here: no acknowledgement recorded

            try (DeliveryWorker w = worker(f, f.outbox, "restarted", fast())) {
                w.start();
                Fixture.await("every event delivered", () -> allIn(f, OutboxState.DELIVERED));
            }
            Map<String, Long> counts = receiver.countsByKey();
            assertThat(counts).hasSize(n);
            assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(1L, 2L));
            assertThat(counts.entrySet().stream()
                            .filter(e -> e.getValue() == 2)
                            .map(Map.Entry::getKey)
                            .collect(Collectors.toSet()))
                    .isEqualTo(sentBeforeCrash);
            assertThat(receiver.received())
                    .allSatisfy(r -> assertThat(r.signatureValid()).isTrue());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void twoWorkersNeverDeliverTheSameEventTwice(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind);
                TestReceiver receiver = new TestReceiver(SECRET)) {
            UUID target = target(f, receiver, "/hooks/helpdesk");
            UUID mailbox = UUID.randomUUID();
            int n = 120;
            try (DeliveryWorker a = worker(f, f.outbox, "a", fast());
                    DeliveryWorker b = worker(f, f.otherOutbox(), "b", fast())) {
                a.start();
                b.start();
                for (int i = 0; i < n; i++) {
                    f.outbox.enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<p" + i + "@x>", mailbox));
                }
                Fixture.await(
                        "every event delivered",
                        () -> f.outbox.counters(mailbox).delivered() == n);
            }
            Map<String, Long> counts = receiver.countsByKey();
            assertThat(counts).hasSize(n);
            assertThat(counts.values()).containsOnly(1L);
        }
    }
}
