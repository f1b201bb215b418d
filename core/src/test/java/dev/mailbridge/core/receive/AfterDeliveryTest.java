package dev.mailbridge.core.receive;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.core.connect.MailboxServices;
import dev.mailbridge.core.connect.TransportMailbox;
import dev.mailbridge.core.deliver.Backoff;
import dev.mailbridge.core.deliver.DeliveryTargetStore;
import dev.mailbridge.core.deliver.DeliveryWorker;
import dev.mailbridge.core.deliver.Outbox;
import dev.mailbridge.core.deliver.OutboxState;
import dev.mailbridge.core.deliver.WebhookDeliverer;
import dev.mailbridge.core.deliver.WebhookSignature;
import dev.mailbridge.core.message.MimeParser;
import dev.mailbridge.core.model.FolderMapping;
import dev.mailbridge.core.model.FolderRole;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.core.rules.RuleSet;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.sync.AfterDeliveryAction;
import dev.mailbridge.core.sync.MailboxSync;
import dev.mailbridge.core.sync.ReceiveSettings;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.model.DistinguishedFolder;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.CreateFolder;
import dev.mailbridge.ews.ops.DeleteItem;
import dev.mailbridge.graph.DeltaPage;
import dev.mailbridge.graph.GraphClient;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The action on the original after delivery, against the emulator and a real webhook receiver: mark
 * read, move to the mapped processed folder, delete to Deleted Items, a dead event moved to the mapped
 * failed folder, nothing before the receiver acknowledged, each action applied once; on both transports
 * (EWS on the Exchange Server tenant, Graph on the Exchange Online tenant).
 */
@ParameterizedClass
@EnumSource(Transport.class)
class AfterDeliveryTest {
    @Parameter
    Transport transport;

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    /** The receiver's answer (an HTTP status) for every request. */
    private final AtomicInteger answer = new AtomicInteger(204);

    private final List<AutoCloseable> open = new ArrayList<>();

    private Emulator emulator;
    private String address;
    private Stores stores;
    private MailboxServices services;
    private Mailbox mailbox;
    private Outbox outbox;
    private ReceiveSettings settings;
    private AfterDelivery after;
    private MailboxSync sync;
    private ReceivePipeline pipeline;
    private DeliveryWorker worker;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private void setUp(TestDatabases.Kind kind) throws Exception {
        emulator = EMULATOR.emulator();
        stores = new Stores(TestDatabases.open(kind), new Vault(KeyRing.of(KeyRing.newKey())), emulator.clock());
        services = new MailboxServices(
                stores, emulator.clock(), dev.mailbridge.identity.http.HttpSettings.defaults(), Duration.ofDays(7));
        mailbox = TransportMailbox.create(transport, services, emulator, "after");
        address = mailbox.address();

        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        receiver.start();
        open.add(() -> receiver.stop(0));
        DeliveryTargetStore targets = new DeliveryTargetStore(stores.database(), stores.vault(), emulator.clock());
        targets.create(DeliveryTargetStore.Settings.webhook(
                "Help desk",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                dev.mailbridge.identity.Secret.of(WebhookSignature.newSecret())));
        outbox = new Outbox(
                stores.database(),
                Clock.systemUTC(),
                new Outbox.Options(12, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200))));
        settings = new ReceiveSettings(stores.database(), emulator.clock());
        after = new AfterDelivery(stores, services.access(), settings, emulator.clock());
        sync = new MailboxSync(stores, services.access(), emulator.clock());
        RuleSet rules = RuleSet.empty();
        pipeline = new ReceivePipeline(new MimeParser(), id -> rules, outbox, after);
        WebhookDeliverer webhook = new WebhookDeliverer();
        open.add(webhook);
        worker = new DeliveryWorker(
                outbox,
                targets,
                List.of(webhook),
                DeliveryWorker.Options.defaults().withPollInterval(Duration.ofMillis(50)));
        open.add(worker);
        worker.start();
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestDatabases.Kind.class)
    void markReadAfterDeliveryOnceAndAGoneItemCountsAsDone(TestDatabases.Kind kind) throws Exception {
        setUp(kind);
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.MARK_READ);
        String kept = deliver("Order 1001");
        String gone = deliver("Order 1002");
        assertThat(sync.syncOnce(mailbox.id(), pipeline, false).newMessages()).isEqualTo(2);
        awaitState(kept, OutboxState.DELIVERED);
        awaitState(gone, OutboxState.DELIVERED);
        hardDelete(gone, "Order 1002");

        assertThat(after.run(mailbox.id())).isEqualTo(new AfterDelivery.Result(2, 0, 0));

        assertThat(isRead("inbox", "Order 1001")).isTrue();
        AfterDelivery.Outcome o = after.outcome(mailbox.id(), key(kept)).orElseThrow();
        assertThat(o.state()).isEqualTo(AfterDelivery.State.DONE);
        assertThat(o.action()).contains("MARK_READ");
        assertThat(o.attempts()).isEqualTo(1);
        AfterDelivery.Outcome g = after.outcome(mailbox.id(), key(gone)).orElseThrow();
        assertThat(g.state()).isEqualTo(AfterDelivery.State.DONE);
        assertThat(g.lastCode()).contains("ErrorItemNotFound"); // Graph's 404 code too
        // once: a second pass has nothing to do
        assertThat(after.run(mailbox.id())).isEqualTo(AfterDelivery.Result.NOTHING);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestDatabases.Kind.class)
    void moveToTheMappedProcessedFolder(TestDatabases.Kind kind) throws Exception {
        setUp(kind);
        mapFolder(FolderRole.PROCESSED, "Processed " + kind);
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.MOVE_TO_PROCESSED);
        String id = deliver("Invoice question");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DELIVERED);

        assertThat(after.run(mailbox.id())).isEqualTo(new AfterDelivery.Result(1, 0, 0));

        assertThat(emulator.exchange().store().subjects(address, "inbox")).isEmpty();
        assertThat(emulator.exchange().store().subjects(address, "Processed " + kind))
                .containsExactly("Invoice question");
        // the move is not seen as new mail by the next sync
        assertThat(sync.syncOnce(mailbox.id(), pipeline, false).newMessages()).isZero();
    }

    @Test
    void deleteMovesToDeletedItems() throws Exception {
        setUp(TestDatabases.Kind.H2);
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.DELETE);
        String id = deliver("Delete me");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DELIVERED);

        assertThat(after.run(mailbox.id()).done()).isEqualTo(1);

        assertThat(emulator.exchange().store().subjects(address, "inbox")).isEmpty();
        assertThat(emulator.exchange().store().subjects(address, "deleteditems"))
                .containsExactly("Delete me");
    }

    @Test
    void aDeadEventMovesTheOriginalToTheFailedFolder() throws Exception {
        setUp(TestDatabases.Kind.H2);
        mapFolder(FolderRole.FAILED, "Failed");
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.MARK_READ);
        answer.set(410); // gone: dead at once
        String id = deliver("Nobody wants me");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DEAD);

        assertThat(after.run(mailbox.id()).done()).isEqualTo(1);

        assertThat(emulator.exchange().store().subjects(address, "inbox")).isEmpty();
        assertThat(emulator.exchange().store().subjects(address, "Failed")).containsExactly("Nobody wants me");
        assertThat(isRead("Failed", "Nobody wants me")).isFalse();
        assertThat(after.outcome(mailbox.id(), key(id)).orElseThrow().action()).contains("MOVE_TO_FAILED");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TestDatabases.Kind.class)
    void aMessageThatCannotBeParsedIsReportedAndMovedToTheFailedFolder(TestDatabases.Kind kind) throws Exception {
        setUp(kind);
        mapFolder(FolderRole.FAILED, "Failed");
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.MARK_READ);
        String bad = id(emulator.exchange()
                .store()
                .deliver(
                        address,
                        ("From: a@example.com\r\nTo: " + address + "\r\nSubject: Broken picture\r\n"
                                        + "Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
                                        + "Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                                        + "iVBO=R*w0K=\r\n--zz--\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String good = deliver("Fine");

        // The broken message does not hold up the page: the good one is queued, the broken one reported.
        MailboxSync.Result r = sync.syncOnce(mailbox.id(), pipeline, false);
        assertThat(r.newMessages()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        String failedKey = dev.mailbridge.core.deliver.OutboxEvent.keyOf(
                "message.failed", mailbox.id().toString(), bad);
        var event = outbox.find(targetId(), failedKey).orElseThrow();
        assertThat(event.eventType()).isEqualTo(dev.mailbridge.core.deliver.EventType.MESSAGE_FAILED);
        var data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(event.payload());
        assertThat(data.get("itemId").asText()).isEqualTo(bad);
        assertThat(data.get("folder").asText()).isEqualTo("inbox");
        assertThat(data.get("reason").asText())
                .startsWith("the message cannot be parsed: part 1 (image/png): cannot decode its base64 content");
        assertThat(outbox.find(targetId(), key(bad)))
                .as("no message.received for it")
                .isEmpty();

        // Reported once: a resync from scratch finds it received.
        emulator.exchange().store().invalidateSyncStates();
        MailboxSync.Result again = sync.syncOnce(mailbox.id(), pipeline, false);
        assertThat(again.failed()).isZero();
        assertThat(again.newMessages()).isZero();

        worker.wake();
        await(() -> outbox.find(targetId(), failedKey)
                .map(e -> e.state() == OutboxState.DELIVERED)
                .orElse(false));
        awaitState(good, OutboxState.DELIVERED);
        assertThat(after.run(mailbox.id()).done()).isEqualTo(2);
        assertThat(emulator.exchange().store().subjects(address, "Failed")).containsExactly("Broken picture");
        assertThat(emulator.exchange().store().subjects(address, "inbox")).containsExactly("Fine");
        assertThat(isRead("inbox", "Fine")).isTrue();
        assertThat(after.outcome(mailbox.id(), failedKey).orElseThrow().action())
                .contains("MOVE_TO_FAILED");
    }

    @Test
    void aDeadEventWithoutAFailedFolderLeavesTheOriginal() throws Exception {
        setUp(TestDatabases.Kind.H2);
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.DELETE);
        answer.set(410);
        String id = deliver("Stay here");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DEAD);

        assertThat(after.run(mailbox.id()).done()).isEqualTo(1);

        assertThat(emulator.exchange().store().subjects(address, "inbox")).containsExactly("Stay here");
        assertThat(after.outcome(mailbox.id(), key(id)).orElseThrow().action()).contains("LEFT");
    }

    @Test
    void nothingHappensBeforeTheReceiverAcknowledged() throws Exception {
        setUp(TestDatabases.Kind.H2);
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.DELETE);
        answer.set(500);
        String id = deliver("Not yet");
        sync.syncOnce(mailbox.id(), pipeline, false);
        await(() -> outbox.find(targetId(), key(id)).map(e -> e.attempts() >= 2).orElse(false));

        assertThat(after.run(mailbox.id())).isEqualTo(AfterDelivery.Result.NOTHING);
        assertThat(emulator.exchange().store().subjects(address, "inbox")).containsExactly("Not yet");
        assertThat(isRead("inbox", "Not yet")).isFalse();
        assertThat(after.outcome(mailbox.id(), key(id)).orElseThrow().state()).isEqualTo(AfterDelivery.State.PENDING);

        answer.set(204);
        awaitState(id, OutboxState.DELIVERED);
        assertThat(after.run(mailbox.id()).done()).isEqualTo(1);
        assertThat(emulator.exchange().store().subjects(address, "inbox")).isEmpty();
        assertThat(emulator.exchange().store().subjects(address, "deleteditems"))
                .containsExactly("Not yet");
    }

    @Test
    void noneIsRecordedAndLeavesTheOriginal() throws Exception {
        setUp(TestDatabases.Kind.H2);
        settings.put(mailbox.id(), true, false);
        String id = deliver("Untouched");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DELIVERED);

        assertThat(after.run(mailbox.id()).done()).isEqualTo(1);

        assertThat(isRead("inbox", "Untouched")).isFalse();
        AfterDelivery.Outcome o = after.outcome(mailbox.id(), key(id)).orElseThrow();
        assertThat(o.action()).contains("NONE");
        assertThat(o.attempts()).isZero();
    }

    @Test
    void aTransientFailureIsTriedAgainOnTheNextPass() throws Exception {
        setUp(TestDatabases.Kind.H2);
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.MARK_READ);
        String id = deliver("Try again");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DELIVERED);
        if (transport == Transport.GRAPH) {
            // throttled for longer than a call's retry budget (60 s): a transient failure, tried again next pass
            emulator.graph().throttle().throttle(address, 1, 61);
        } else {
            emulator.exchange().store().mailbox(address).ewsEnabled(false);
        }

        assertThat(after.run(mailbox.id())).isEqualTo(new AfterDelivery.Result(0, 0, 1));
        AfterDelivery.Outcome o = after.outcome(mailbox.id(), key(id)).orElseThrow();
        assertThat(o.state()).isEqualTo(AfterDelivery.State.PENDING);
        assertThat(o.attempts()).isEqualTo(1);
        assertThat(o.lastError()).isPresent();

        emulator.exchange().store().mailbox(address).ewsEnabled(null);
        emulator.graph().throttle().reset();
        services.access().forget(mailbox.connectionId()); // a new client: no pause left from the Retry-After
        assertThat(after.run(mailbox.id())).isEqualTo(new AfterDelivery.Result(1, 0, 0));
        assertThat(isRead("inbox", "Try again")).isTrue();
        AfterDelivery.Outcome done = after.outcome(mailbox.id(), key(id)).orElseThrow();
        assertThat(done.state()).isEqualTo(AfterDelivery.State.DONE);
        assertThat(done.attempts()).isEqualTo(2);
    }

    @Test
    void aRefusalIsRecordedWithExchangesCodeAndNotRepeated() throws Exception {
        setUp(TestDatabases.Kind.H2);
        stores.mailboxes()
                .mapFolders(mailbox.id(), List.of(new FolderMapping(FolderRole.PROCESSED, "AAMkAGnotAFolder", "Gone")));
        settings.put(mailbox.id(), true, false, AfterDeliveryAction.MOVE_TO_PROCESSED);
        String id = deliver("Nowhere to go");
        sync.syncOnce(mailbox.id(), pipeline, false);
        awaitState(id, OutboxState.DELIVERED);

        assertThat(after.run(mailbox.id())).isEqualTo(new AfterDelivery.Result(0, 1, 0));
        AfterDelivery.Outcome o = after.outcome(mailbox.id(), key(id)).orElseThrow();
        assertThat(o.state()).isEqualTo(AfterDelivery.State.FAILED);
        assertThat(o.lastCode().orElseThrow()).startsWith("Error");
        assertThat(o.lastError()).isPresent();
        assertThat(after.run(mailbox.id())).isEqualTo(AfterDelivery.Result.NOTHING);
        assertThat(emulator.exchange().store().subjects(address, "inbox")).containsExactly("Nowhere to go");
    }

    private String deliver(String subject) {
        String mime = "From: Customer <customer@example.com>\r\nTo: " + address + "\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n";
        return id(emulator.exchange().store().deliver(address, mime.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The id the transport knows a delivered message by: Graph's REST form of the store's EWS id. */
    private String id(String ewsId) {
        return transport == Transport.GRAPH ? dev.mailbridge.emulator.graph.RestIds.toRest(ewsId) : ewsId;
    }

    private void mapFolder(FolderRole role, String name) {
        String id = transport == Transport.GRAPH
                ? services.access()
                        .graph(mailbox.id())
                        .createFolder("msgfolderroot", name)
                        .id()
                : services.access()
                        .ews(mailbox.id())
                        .execute(CreateFolder.of(DistinguishedFolder.MSGFOLDERROOT.ref(), name))
                        .single()
                        .id()
                        .id();
        List<FolderMapping> mappings = new ArrayList<>(stores.mailboxes().folders(mailbox.id()));
        mappings.add(new FolderMapping(role, id, name));
        stores.mailboxes().mapFolders(mailbox.id(), mappings);
    }

    /** Deletes the message for good, as a user emptying Deleted Items would. */
    private void hardDelete(String id, String subject) {
        if (transport == Transport.GRAPH) {
            GraphClient graph = services.access().graph(mailbox.id());
            graph.delete(id); // to Deleted Items, under a new id
            graph.delta("deleteditems", null, 50).changes().stream()
                    .filter(c ->
                            c.message() != null && subject.equals(c.message().subject()))
                    .forEach(c -> graph.delete(c.id())); // and out of it
        } else {
            services.access()
                    .ews(mailbox.id())
                    .execute(DeleteItem.hard(ItemId.of(id)))
                    .single();
        }
    }

    /** Whether the message with this subject in the folder ("inbox" or a mapped folder's name) is read. */
    private boolean isRead(String folder, String subject) {
        String folderId = folder.equals("inbox")
                ? null
                : stores.mailboxes().folders(mailbox.id()).stream()
                        .filter(m -> m.folderName().equals(folder))
                        .findFirst()
                        .orElseThrow()
                        .folderId();
        if (transport == Transport.GRAPH) {
            return services
                    .access()
                    .graph(mailbox.id())
                    .delta(folderId == null ? "inbox" : folderId, null, 50)
                    .changes()
                    .stream()
                    .map(DeltaPage.Change::message)
                    .filter(m -> m != null && subject.equals(m.subject()))
                    .findFirst()
                    .orElseThrow()
                    .isRead();
        }
        var ref = folderId == null ? DistinguishedFolder.INBOX.ref() : dev.mailbridge.ews.model.FolderId.of(folderId);
        return services.access().ews(mailbox.id()).findAllItems(ref, 50).stream()
                .filter(i -> subject.equals(i.subject()))
                .findFirst()
                .orElseThrow()
                .isRead();
    }

    private String key(String itemId) {
        return ReceivePipeline.key(mailbox.id(), itemId);
    }

    private UUID targetId() {
        return new DeliveryTargetStore(stores.database(), stores.vault(), emulator.clock())
                .list()
                .getFirst()
                .id();
    }

    private void awaitState(String itemId, OutboxState state) throws InterruptedException {
        UUID target = targetId();
        worker.wake();
        await(() ->
                outbox.find(target, key(itemId)).map(e -> e.state() == state).orElse(false));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(20);
        }
    }
}
