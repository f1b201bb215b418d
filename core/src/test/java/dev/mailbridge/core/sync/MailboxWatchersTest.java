package dev.mailbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.NorthwindService;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.identity.http.HttpSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Watching mailboxes against the emulator's notifications: new mail is synced because of a streaming
 * event (nothing polls in these tests, so without a working notification nothing would arrive), one
 * stream carries several mailboxes of one credential, a cut stream reconnects, an expired subscription is
 * renewed and caught up, refused streaming falls back to pull, an invalid sync state means a full resync
 * that hands on nothing twice; and bursts of requests coalesce.
 */
class MailboxWatchersTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    private Emulator emulator;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void reset() {
        emulator = EMULATOR.emulator();
        emulator.exchange().faults().reset();
        emulator.exchange().notifications().reset(); // faults().reset() leaves notification limits alone
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        emulator.exchange().notifications().reset();
    }

    /** The mailboxes of one impersonating connection, each synced into {@link #subjects} by its watch alone. */
    final class Rig {
        final List<Mailbox> mailboxes = new ArrayList<>();
        final List<String> addresses = new ArrayList<>();
        final List<String> subjects = new CopyOnWriteArrayList<>();
        final Map<UUID, AtomicInteger> passes = new ConcurrentHashMap<>();
        final SyncRequests requests;
        final MailboxWatchers watchers;

        Rig(TestDatabases.Kind kind, int count, MailboxWatchers.Options options) throws Exception {
            Stores stores =
                    new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
            MailboxServices services =
                    new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
            UUID conn = NorthwindService.connection(services, emulator);
            for (int i = 0; i < count; i++) {
                String address = "watch." + UUID.randomUUID().toString().substring(0, 8) + "@northwind.local";
                emulator.exchange().mailboxes().createMailbox(address, "Watch", "0b1e0b1e-0000-4000-8000-000000000001");
                mailboxes.add(services.connections().addMailbox(conn, address, Optional.empty(), "test"));
                addresses.add(address);
            }
            MailboxSync sync = new MailboxSync(stores, services.access(), emulator.clock());
            MessageSink sink = (m, itemId, mime) -> {
                String text = Files.readString(mime);
                int at = text.indexOf("Subject: ");
                subjects.add(text.substring(at + 9, text.indexOf('\r', at)));
            };
            requests = new SyncRequests(
                    id -> {
                        sync.syncOnce(id, sink, false);
                        passes.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    },
                    2);
            watchers = new MailboxWatchers(stores, services.access(), requests, options, emulator.clock());
            open.add(requests);
            open.add(watchers);
        }

        UUID id(int i) {
            return mailboxes.get(i).id();
        }

        /** Watches every mailbox and waits until each is subscribed in {@code mode} and caught up. */
        void watchAll(NotificationMode mode) throws InterruptedException {
            mailboxes.forEach(m -> watchers.watch(m.id()));
            for (Mailbox m : mailboxes) {
                await(
                        "watching " + m.address() + " in " + mode,
                        () -> watchers.status(m.id()).map(WatchStatus::mode).orElse(null) == mode);
            }
            settled();
        }

        /** Waits until every mailbox had its catch-up pass and none is pending. */
        void settled() throws InterruptedException {
            for (Mailbox m : mailboxes) {
                await(
                        "the catch-up pass of " + m.address(),
                        () -> passes.containsKey(m.id()) && !requests.busy(m.id()));
            }
        }

        void deliver(int mailbox, String subject) {
            String address = addresses.get(mailbox);
            String mime = "From: sender@example.com\r\nTo: " + address + "\r\nSubject: " + subject
                    + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
            emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
        }

        void awaitSubjects(String... expected) throws InterruptedException {
            await("messages " + List.of(expected), () -> subjects.containsAll(List.of(expected)));
        }
    }

    static MailboxWatchers.Options options() {
        return MailboxWatchers.Options.defaults().withPullInterval(Duration.ofMillis(200));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void newMailOfSeveralMailboxesArrivesThroughOneStream(TestDatabases.Kind kind) throws Exception {
        Rig rig = new Rig(kind, 3, options());
        rig.watchAll(NotificationMode.STREAMING);
        assertThat(rig.watchers.streams())
                .as("one credential, one streaming connection")
                .isEqualTo(1);
        assertThat(rig.watchers.status(rig.id(0)).orElseThrow().label()).isEqualTo("Streaming");

        rig.deliver(0, "first for 0");
        rig.deliver(1, "first for 1");
        rig.deliver(2, "first for 2");
        rig.awaitSubjects("first for 0", "first for 1", "first for 2");
        rig.settled();
        // (events sent on a stream replaced while the mailboxes joined are lost: their catch-up found the mail)
        Map<UUID, Long> seen = new ConcurrentHashMap<>();
        rig.mailboxes.forEach(m -> seen.put(m.id(), rig.watchers.notificationsSeen(m.id())));
        rig.deliver(0, "second for 0");
        rig.deliver(1, "second for 1");
        rig.deliver(2, "second for 2");
        rig.awaitSubjects("second for 0", "second for 1", "second for 2");
        for (Mailbox m : rig.mailboxes) {
            await("a notification for " + m.address(), () -> rig.watchers.notificationsSeen(m.id()) > seen.get(m.id()));
        }
        // a burst: every message once
        for (int i = 0; i < 5; i++) {
            rig.deliver(1, "burst " + i);
        }
        rig.awaitSubjects("burst 0", "burst 1", "burst 2", "burst 3", "burst 4");
        rig.settled();
        assertThat(rig.subjects).hasSize(11).doesNotHaveDuplicates();
        for (Mailbox m : rig.mailboxes) {
            assertThat(rig.watchers.status(m.id()).orElseThrow().mode())
                    .as("still streaming")
                    .isEqualTo(NotificationMode.STREAMING);
        }

        rig.watchers.unwatch(rig.id(2));
        await(
                "the subscription removed",
                () -> emulator.exchange()
                        .notifications()
                        .subscriptionIds(rig.addresses.get(2))
                        .isEmpty());
        assertThat(rig.watchers.status(rig.id(2))).isEmpty();
        rig.deliver(0, "after regrouping");
        rig.awaitSubjects("after regrouping");
    }

    @Test
    void aCutStreamReconnectsAndLosesNothing() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2, 1, options());
        rig.watchAll(NotificationMode.STREAMING);
        String address = rig.addresses.get(0);
        await("a stream to cut", () -> emulator.exchange().notifications().cutStreams(address) > 0);
        rig.deliver(0, "while cut");
        rig.awaitSubjects("while cut");
        rig.settled();
        rig.deliver(0, "after the reconnect");
        rig.awaitSubjects("after the reconnect");
        assertThat(rig.subjects).containsExactly("while cut", "after the reconnect");
        assertThat(rig.watchers.status(rig.id(0)).orElseThrow().mode()).isEqualTo(NotificationMode.STREAMING);
    }

    @Test
    void anExpiredSubscriptionIsRenewedAndCaughtUp() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2, 1, options());
        rig.watchAll(NotificationMode.STREAMING);
        String address = rig.addresses.get(0);
        List<String> before = emulator.exchange().notifications().subscriptionIds(address);
        assertThat(before).hasSize(1);

        assertThat(emulator.exchange().notifications().expire(null, address)).isEqualTo(1);
        rig.deliver(0, "while expired");
        rig.awaitSubjects("while expired");
        await("a new subscription", () -> {
            List<String> now = emulator.exchange().notifications().subscriptionIds(address);
            return now.size() == 1 && !before.contains(now.getFirst());
        });
        rig.settled();
        rig.deliver(0, "on the new subscription");
        rig.awaitSubjects("on the new subscription");
        assertThat(rig.subjects).containsExactly("while expired", "on the new subscription");
    }

    @Test
    void refusedStreamingFallsBackToPull() throws Exception {
        emulator.exchange()
                .notifications()
                .connectionLimit(0); // every GetStreamingEvents: ErrorExceededConnectionCount
        Rig rig = new Rig(TestDatabases.Kind.H2, 1, options());
        rig.watchAll(NotificationMode.PULL);
        WatchStatus status = rig.watchers.status(rig.id(0)).orElseThrow();
        assertThat(status.label())
                .startsWith("Pull (streaming refused: ")
                .contains("exceeded the available concurrent connections");
        assertThat(rig.watchers.streams()).isZero();

        rig.deliver(0, "pulled");
        rig.awaitSubjects("pulled");
        await("a pulled notification", () -> rig.watchers.notificationsSeen(rig.id(0)) > 0);
        assertThat(rig.subjects).containsExactly("pulled");
    }

    @Test
    void noSubscriptionAtAllLeavesPolling() throws Exception {
        emulator.exchange().notifications().subscriptionLimit(0); // Subscribe: ErrorExceededSubscriptionCount
        Rig rig = new Rig(TestDatabases.Kind.H2, 1, options());
        rig.watchers.watch(rig.id(0));
        await(
                "polling because pull was refused",
                () -> rig.watchers.status(rig.id(0)).orElseThrow().label().startsWith("Polling (pull refused: "));
        assertThat(emulator.exchange().notifications().subscriptionIds(rig.addresses.get(0)))
                .isEmpty();
    }

    @Test
    void pollingOnlyWatchesNothing() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2, 1, options().withMode(NotificationMode.POLL));
        rig.watchers.watch(rig.id(0));
        assertThat(rig.watchers.status(rig.id(0)).orElseThrow().label()).isEqualTo("Polling");
        assertThat(emulator.exchange().notifications().subscriptionIds(rig.addresses.get(0)))
                .isEmpty();
    }

    @Test
    void anInvalidSyncStateMeansAFullResyncWithoutRedelivery() throws Exception {
        Rig rig = new Rig(TestDatabases.Kind.H2, 1, options());
        rig.watchAll(NotificationMode.STREAMING);
        rig.deliver(0, "one");
        rig.deliver(0, "two");
        rig.awaitSubjects("one", "two");
        rig.settled();

        emulator.exchange().store().invalidateSyncStates();
        rig.deliver(0, "three");
        rig.awaitSubjects("three");
        rig.settled();
        assertThat(rig.subjects).containsExactlyInAnyOrder("one", "two", "three");
    }

    @Test
    void anUrgentPassGoesBeforeTheRoutineOnes() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<UUID> order = new CopyOnWriteArrayList<>();
        UUID first = UUID.randomUUID();
        UUID routine1 = UUID.randomUUID();
        UUID routine2 = UUID.randomUUID();
        UUID urgent = UUID.randomUUID();
        try (SyncRequests requests = new SyncRequests(
                mailbox -> {
                    order.add(mailbox);
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                1)) {
            requests.request(first);
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            requests.requestRoutine(routine1);
            requests.requestRoutine(routine2);
            requests.requestRoutine(urgent);
            requests.request(urgent); // new mail: moves ahead of the routine passes
            release.countDown();
            await("the passes to end", () -> order.size() == 4 && !requests.busy(routine2));
            assertThat(order).containsExactly(first, urgent, routine1, routine2);
        }
    }

    @Test
    void requestsCoalesceIntoOneRunningAndOnePendingPass() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        UUID id = UUID.randomUUID();
        try (SyncRequests requests = new SyncRequests(
                mailbox -> {
                    runs.incrementAndGet();
                    entered.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                1)) {
            requests.request(id);
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 20; i++) {
                requests.request(id); // while the first runs
            }
            release.countDown();
            await("the passes to end", () -> !requests.busy(id));
            assertThat(runs.get()).isEqualTo(2);
        }
    }
}
