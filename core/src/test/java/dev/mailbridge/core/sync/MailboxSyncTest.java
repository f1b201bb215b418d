package dev.mailbridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TransportMailbox;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
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
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Incremental sync against the emulator, on both transports (EWS on the Exchange Server tenant, Graph on
 * the Exchange Online tenant) and both databases.
 */
class MailboxSyncTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    Emulator emulator;
    String address;

    @BeforeEach
    void reset() {
        emulator = EMULATOR.emulator();
        emulator.exchange().faults().reset();
        emulator.graph().throttle().reset();
    }

    /** Each transport on each database. */
    static Stream<Arguments> cases() {
        return Stream.of(Transport.values())
                .flatMap(t -> Stream.of(TestDatabases.Kind.values()).map(k -> Arguments.of(t, k)));
    }

    record Fixture(Stores stores, MailboxSync sync, Mailbox mailbox) {}

    /** A mailbox of the test's own (so tests never see each other's mail) and a connection on the transport. */
    Fixture fixture(Transport transport, TestDatabases.Kind kind) throws Exception {
        Stores stores = new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        MailboxServices services =
                new MailboxServices(stores, emulator.clock(), HttpSettings.defaults(), Duration.ofDays(7));
        Mailbox m = TransportMailbox.create(transport, services, emulator, "sync");
        address = m.address();
        return new Fixture(stores, new MailboxSync(stores, services.access(), emulator.clock()), m);
    }

    void deliver(int n, String prefix) {
        for (int i = 0; i < n; i++) {
            String mime = "From: sender@example.com\r\nTo: " + address + "\r\nSubject: " + prefix + " " + i
                    + "\r\nMessage-ID: <" + prefix + "." + i + "." + UUID.randomUUID() + "@example.com>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n\r\nBody " + i + "\r\n";
            emulator.exchange().store().deliver(address, mime.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Collects each message's subject from its MIME. */
    static final class Collector implements MessageSink {
        final List<String> subjects = new ArrayList<>();

        @Override
        public void accept(Mailbox mailbox, String itemId, java.nio.file.Path mime) throws Exception {
            String text = Files.readString(mime);
            int at = text.indexOf("Subject: ");
            subjects.add(text.substring(at + 9, text.indexOf('\r', at)));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void receiveSettingsAndSyncStatusAreStored(Transport transport, TestDatabases.Kind kind) throws Exception {
        Fixture f = fixture(transport, kind);
        ReceiveSettings settings = new ReceiveSettings(f.stores().database(), emulator.clock());
        UUID id = f.mailbox().id();
        assertThat(settings.get(id)).isEmpty();
        assertThat(settings.listEnabled()).isEmpty();
        assertThat(settings.put(id, true, true).startFromNow()).isTrue();
        assertThat(settings.listEnabled())
                .extracting(ReceiveSettings.Setting::mailboxId)
                .containsExactly(id);
        ReceiveSettings.Setting off = settings.put(id, false, false);
        assertThat(off.enabled()).isFalse();
        assertThat(settings.get(id)).contains(off);
        assertThat(settings.listEnabled()).isEmpty();

        assertThat(f.sync().status(id)).isEmpty();
        deliver(2, "status");
        f.sync().syncOnce(id, new Collector(), false);
        MailboxSync.SyncStatus status = f.sync().status(id).orElseThrow();
        assertThat(status.receivedCount()).isEqualTo(2);
        assertThat(status.lastSyncAt()).isPresent();
        assertThat(status.lastError()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void handsOnEachNewMessageOnceAcrossPagesResyncsAndFailures(Transport transport, TestDatabases.Kind kind)
            throws Exception {
        Fixture f = fixture(transport, kind);
        deliver(600, "first");
        Collector sink = new Collector();

        MailboxSync.Result first = f.sync().syncOnce(f.mailbox().id(), sink, false);
        assertThat(first.newMessages()).isEqualTo(600);
        assertThat(first.pages())
                .as("512 (EWS) or 200 (Graph) changes per page at most")
                .isGreaterThanOrEqualTo(2);
        assertThat(sink.subjects).hasSize(600).doesNotHaveDuplicates();

        deliver(3, "second");
        MailboxSync.Result next = f.sync().syncOnce(f.mailbox().id(), sink, false);
        assertThat(next.newMessages()).isEqualTo(3);
        assertThat(sink.subjects).hasSize(603).contains("second 0", "second 2");

        // Exchange forgets every sync state: a full resync hands on only what is new.
        emulator.exchange().store().invalidateSyncStates();
        deliver(1, "third");
        MailboxSync.Result resync = f.sync().syncOnce(f.mailbox().id(), sink, false);
        assertThat(resync.restarted()).isTrue();
        assertThat(resync.newMessages()).isEqualTo(1);
        assertThat(resync.alreadyReceived()).isEqualTo(603);
        assertThat(sink.subjects).hasSize(604).doesNotHaveDuplicates();

        // The sink fails mid-page: nothing of that page is recorded, the next pass hands it on again.
        deliver(2, "fourth");
        assertThatThrownBy(() -> f.sync()
                        .syncOnce(
                                f.mailbox().id(),
                                (m, id, mime) -> {
                                    throw new IllegalStateException("outbox unavailable");
                                },
                                false))
                .hasMessageContaining("outbox unavailable");
        MailboxSync.Result retry = f.sync().syncOnce(f.mailbox().id(), sink, false);
        assertThat(retry.newMessages()).isEqualTo(2);
        assertThat(sink.subjects).hasSize(606).doesNotHaveDuplicates().contains("fourth 0", "fourth 1");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void startFromNowSkipsWhatIsAlreadyThere(Transport transport, TestDatabases.Kind kind) throws Exception {
        Fixture f = fixture(transport, kind);
        deliver(5, "old");
        Collector sink = new Collector();
        assertThat(f.sync().syncOnce(f.mailbox().id(), sink, true).newMessages())
                .isZero();
        deliver(2, "new");
        assertThat(f.sync().syncOnce(f.mailbox().id(), sink, true).newMessages())
                .isEqualTo(2);
        assertThat(sink.subjects).containsExactlyInAnyOrder("new 0", "new 1");
    }
}
