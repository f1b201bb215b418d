package dev.mailbridge.core.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.store.TestDatabases.Kind;
import dev.mailbridge.identity.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The outbox on both databases: transactions, idempotency, leases, back-off, dead letters. */
class OutboxTest {
    private static final String SECRET = "whsec_outbox-test-secret-value";

    private static UUID webhook(Fixture f, String name) {
        return f.targets
                .create(DeliveryTargetStore.Settings.webhook(
                        name, "https://hooks.example.com/" + name, Secret.of(SECRET)))
                .id();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void enqueueJoinsTheCallersTransactionAndIgnoresDuplicates(Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            UUID target = webhook(f, "helpdesk");
            UUID mailbox = UUID.randomUUID();
            OutboxEvent first = Fixture.event(EventType.MESSAGE_RECEIVED, "<a@contoso.com>", mailbox);

            assertThatThrownBy(() -> f.db.jdbc().transaction(() -> {
                        f.outbox.enqueue(target, first);
                        throw new IllegalStateException("the sync state update failed");
                    }))
                    .hasMessageContaining("sync state");
            assertThat(f.outbox.find(target, first.idempotencyKey()))
                    .as("rolled back with the caller")
                    .isEmpty();

            // the event and the caller's own write commit together; a duplicate inside the same transaction
            // does not break it (on PostgreSQL a failed statement would abort the whole transaction)
            Outbox.Enqueued[] made = new Outbox.Enqueued[2];
            f.db.jdbc().transaction(() -> {
                made[0] = f.outbox.enqueue(target, first);
                made[1] = f.outbox.enqueue(target, first);
                f.db.jdbc().update("INSERT INTO setting (name, setting_value) VALUES (?, ?)", "sync.state", "s-1");
                return null;
            });
            assertThat(made[0].created()).isTrue();
            assertThat(made[1].created()).isFalse();
            assertThat(made[1].id()).isEqualTo(made[0].id());
            assertThat(f.db.jdbc().count("SELECT COUNT(*) FROM setting WHERE name='sync.state'"))
                    .isEqualTo(1);

            // outside a transaction too, and after delivery
            assertThat(f.outbox.enqueue(target, first).created()).isFalse();
            assertThat(f.db.jdbc().count("SELECT COUNT(*) FROM outbox")).isEqualTo(1);

            OutboxEntry row = f.outbox.get(made[0].id()).orElseThrow();
            assertThat(row.state()).isEqualTo(OutboxState.PENDING);
            assertThat(row.attempts()).isZero();
            assertThat(row.eventType()).isEqualTo(EventType.MESSAGE_RECEIVED);
            assertThat(row.mailboxId()).contains(mailbox);
            assertThat(row.payload()).contains("Printer on floor 3");
            assertThat(row.toString()).doesNotContain("Printer");

            assertThatThrownBy(() ->
                            f.outbox.enqueue(target, OutboxEvent.of(EventType.MESSAGE_SENT, "k-1", null, "not json")))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void enqueueToAllFollowsEachTargetsEventsAndSealsSecrets(Kind kind) {
        try (Fixture f = new Fixture(kind)) {
            UUID all = webhook(f, "all-events");
            UUID onlyAuth = f.targets
                    .create(DeliveryTargetStore.Settings.webhook(
                                    "auth-alerts", "https://alerts.example.com/mb", Secret.of(SECRET))
                            .withEventTypes(Set.of(EventType.MAILBOX_AUTH_FAILED, EventType.MAILBOX_AUTH_EXPIRING)))
                    .id();
            UUID disabled = webhook(f, "disabled");
            f.targets.setEnabled(disabled, false);

            UUID mailbox = UUID.randomUUID();
            List<Outbox.Enqueued> received =
                    f.outbox.enqueueToAll(Fixture.event(EventType.MESSAGE_RECEIVED, "<m1@x>", mailbox));
            assertThat(received).extracting(Outbox.Enqueued::targetId).containsExactly(all);
            List<Outbox.Enqueued> auth =
                    f.outbox.enqueueToAll(Fixture.event(EventType.MAILBOX_AUTH_FAILED, "2025-01-01", mailbox));
            assertThat(auth).extracting(Outbox.Enqueued::targetId).containsExactlyInAnyOrder(all, onlyAuth);

            DeliveryTarget t = f.targets.get(onlyAuth).orElseThrow();
            assertThat(t.hasSecret()).isTrue();
            assertThat(t.eventTypes())
                    .containsExactlyInAnyOrder(EventType.MAILBOX_AUTH_FAILED, EventType.MAILBOX_AUTH_EXPIRING);
            assertThat(f.targets.secret(onlyAuth).orElseThrow().reveal()).isEqualTo(SECRET);
            String raw = f.db.jdbc()
                    .one("SELECT secret_sealed FROM delivery_target WHERE id=?", rs -> rs.getString(1), onlyAuth)
                    .orElseThrow();
            assertThat(raw).startsWith("v1:").doesNotContain(SECRET);

            assertThatThrownBy(() -> f.targets.create(
                            DeliveryTargetStore.Settings.webhook("short", "https://x.example.com", Secret.of("short"))))
                    .hasMessageContaining("at least 16");
            assertThatThrownBy(() -> f.targets.create(DeliveryTargetStore.Settings.rabbit(
                            "pw-in-uri", "amqp://guest:guest@127.0.0.1:5672/%2F", Secret.of("guest"), null)))
                    .hasMessageContaining("password");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void leasesRowsAndReclaimsThemWhenTheLeaseRunsOut(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            UUID target = webhook(f, "helpdesk");
            UUID mailbox = UUID.randomUUID();
            for (int i = 0; i < 3; i++) {
                f.outbox.enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<" + i + "@x>", mailbox));
            }
            List<OutboxEntry> a = f.outbox.claim("worker-a", 10, Duration.ofSeconds(1));
            assertThat(a).hasSize(3).allSatisfy(e -> {
                assertThat(e.state()).isEqualTo(OutboxState.DELIVERING);
                assertThat(e.attempts()).isEqualTo(1);
                assertThat(e.leaseOwner()).hasValueSatisfying(o -> assertThat(o).startsWith("worker-a/"));
            });
            assertThat(f.otherOutbox().claim("worker-b", 10, Duration.ofSeconds(60)))
                    .as("leased rows are not handed out twice")
                    .isEmpty();

            // worker-a dies; its lease runs out
            Fixture.await(
                    "the lease to expire",
                    () -> Instant.now()
                            .isAfter(a.get(0).leasedUntil().orElseThrow().plusMillis(50)));
            List<OutboxEntry> b = f.otherOutbox().claim("worker-b", 10, Duration.ofSeconds(60));
            assertThat(b)
                    .extracting(OutboxEntry::id)
                    .containsExactlyElementsOf(a.stream().map(OutboxEntry::id).toList());
            assertThat(b).allSatisfy(e -> assertThat(e.attempts()).isEqualTo(2));

            // worker-a comes back late: its failure is ignored, the row belongs to worker-b now
            assertThat(f.outbox.markFailed(a.get(0), "late", Optional.of(500), Optional.empty(), false))
                    .isEmpty();
            // ...but its success is recorded: the event did arrive
            assertThat(f.outbox.markDelivered(a.get(1), Optional.of(200))).isTrue();
            assertThat(f.outbox.markDelivered(b.get(1), Optional.of(200))).isFalse();
            assertThat(f.outbox.release(b.get(2))).isTrue();
            OutboxEntry released = f.outbox.get(b.get(2).id()).orElseThrow();
            assertThat(released.state()).isEqualTo(OutboxState.PENDING);
            assertThat(released.attempts()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void backsOffThenBuriesAndReplays(Kind kind) {
        Outbox.Options options = new Outbox.Options(3, new Backoff(Duration.ofSeconds(5), Duration.ofHours(1)));
        try (Fixture f = new Fixture(kind, options)) {
            UUID target = webhook(f, "helpdesk");
            UUID mailbox = UUID.randomUUID();
            long id = f.outbox
                    .enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<d@x>", mailbox))
                    .id();

            OutboxEntry c1 = f.outbox.claim("w", 1, Duration.ofMinutes(1)).get(0);
            Instant before = Instant.now();
            assertThat(f.outbox.markFailed(
                            c1, "HTTP 503: down", Optional.of(503), Optional.of(Duration.ofSeconds(30)), false))
                    .contains(OutboxState.PENDING);
            OutboxEntry r1 = f.outbox.get(id).orElseThrow();
            assertThat(r1.nextAttemptAt()).as("Retry-After is honoured").isAfterOrEqualTo(before.plusSeconds(29));
            assertThat(r1.lastError()).contains("HTTP 503: down");
            assertThat(r1.lastStatus()).contains(503);
            assertThat(f.outbox.claim("w", 1, Duration.ofMinutes(1)))
                    .as("not due yet")
                    .isEmpty();
            assertThat(f.outbox.counters(mailbox).failing()).isEqualTo(1);

            // make it due, fail again, then the third attempt buries it
            for (int attempt = 2; attempt <= 3; attempt++) {
                f.db.jdbc()
                        .update(
                                "UPDATE outbox SET next_attempt_at=? WHERE id=?",
                                Instant.now().minusSeconds(1),
                                id);
                OutboxEntry c = f.outbox.claim("w", 1, Duration.ofMinutes(1)).get(0);
                assertThat(c.attempts()).isEqualTo(attempt);
                assertThat(f.outbox.markFailed(c, "HTTP 500", Optional.of(500), Optional.empty(), false))
                        .contains(attempt < 3 ? OutboxState.PENDING : OutboxState.DEAD);
            }
            assertThat(f.outbox.deadLetters(Optional.of(mailbox), 0, 10))
                    .singleElement()
                    .satisfies(d -> assertThat(d.lastError()).contains("HTTP 500"));
            assertThat(f.outbox.deadLetters(Optional.empty(), 0, 10)).hasSize(1);
            assertThat(f.outbox.deadLetters(Optional.of(UUID.randomUUID()), 0, 10))
                    .isEmpty();
            assertThat(f.outbox.counters(mailbox)).satisfies(c -> {
                assertThat(c.dead()).isEqualTo(1);
                assertThat(c.pending()).isZero();
            });

            assertThat(f.outbox.replay(id)).isTrue();
            assertThat(f.outbox.replay(id)).as("only dead rows replay").isFalse();
            OutboxEntry again = f.outbox.claim("w", 1, Duration.ofMinutes(1)).get(0);
            assertThat(again.attempts()).isEqualTo(1);
            assertThat(f.outbox.markDelivered(again, Optional.of(204))).isTrue();
            assertThat(f.outbox.counters(mailbox)).satisfies(c -> {
                assertThat(c.delivered()).isEqualTo(1);
                assertThat(c.dead()).isZero();
                assertThat(c.lastDeliveredAt()).isPresent();
            });
            assertThat(f.outbox.counters()).containsKey(mailbox);

            // a 410 buries at once
            long gone = f.outbox
                    .enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<g@x>", mailbox))
                    .id();
            OutboxEntry c = f.outbox.claim("w", 1, Duration.ofMinutes(1)).get(0);
            assertThat(c.id()).isEqualTo(gone);
            assertThat(f.outbox.markFailed(c, "HTTP 410", Optional.of(410), Optional.empty(), true))
                    .contains(OutboxState.DEAD);
            assertThat(f.outbox.replayAll(Optional.of(mailbox))).isEqualTo(1);
            assertThat(f.outbox.purgeDelivered(Instant.now().plusSeconds(1))).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void concurrentClaimersNeverShareARow(Kind kind) throws Exception {
        try (Fixture f = new Fixture(kind)) {
            UUID target = webhook(f, "helpdesk");
            UUID mailbox = UUID.randomUUID();
            int n = 300;
            for (int i = 0; i < n; i++) {
                f.outbox.enqueue(target, Fixture.event(EventType.MESSAGE_RECEIVED, "<c" + i + "@x>", mailbox));
            }
            int workers = 6;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Outbox mine = f.otherOutbox();
                String name = "w" + w;
                futures.add(pool.submit(() -> {
                    int empty = 0;
                    while (empty < 3) {
                        List<OutboxEntry> got = mine.claim(name, 7, Duration.ofMinutes(5));
                        got.forEach(e -> claimed.add(e.id()));
                        empty = got.isEmpty() ? empty + 1 : 0;
                    }
                    return null;
                }));
            }
            for (Future<?> fu : futures) {
                fu.get();
            }
            pool.shutdown();
            assertThat(claimed).hasSize(n);
            assertThat(new HashSet<>(claimed)).hasSize(n);
        }
    }

    @Test
    void backoffIsExponentialWithFullJitterUpToTheCap() {
        Backoff b = Backoff.DEFAULT;
        assertThat(b.ceiling(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.ceiling(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(b.ceiling(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(b.ceiling(11)).isEqualTo(Duration.ofHours(1));
        assertThat(b.ceiling(100)).isEqualTo(Duration.ofHours(1));
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = b.delay(3);
            assertThat(d).isBetween(Duration.ZERO, Duration.ofSeconds(20));
            seen.add(d);
        }
        assertThat(seen.size()).as("jittered").isGreaterThan(50);
        assertThat(OutboxEvent.keyOf("message.received", "mb-1", "<a@b>"))
                .isEqualTo(OutboxEvent.keyOf("message.received", "mb-1", "<a@b>"))
                .isNotEqualTo(OutboxEvent.keyOf("message.received", "mb-1<a@b>", ""))
                .startsWith("mb_");
    }
}
