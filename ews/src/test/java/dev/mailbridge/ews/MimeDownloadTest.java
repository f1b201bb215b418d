package dev.mailbridge.ews;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.ews.error.EwsResponseException;
import dev.mailbridge.ews.model.Item;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.DeleteItem;
import dev.mailbridge.ews.ops.ItemShape;
import dev.mailbridge.ews.support.EwsSchema;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.http.HttpSettings;
import dev.mailbridge.identity.token.TokenSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link MimeDownload} against the emulator's Exchange over real HTTPS, every request and response schema-checked. */
class MimeDownloadTest {
    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    static final String ADELE = EmulatorEwsTest.ADELE;
    static Emulator emulator;
    static EwsSchema.Validating schema = new EwsSchema.Validating();
    static EwsProtocol protocol;
    static TokenSource appTokens;

    @BeforeAll
    static void setUp() throws Exception {
        emulator = EMULATOR.emulator();
        HttpSettings http =
                HttpSettings.builder().trustPem(emulator.caCertificate()).build();
        URI ews = URI.create(emulator.loginUrl().toString().replaceAll("/$", "") + "/EWS/Exchange.asmx");
        protocol = EwsProtocol.builder(ews)
                .httpSettings(http)
                .requestObserver(schema)
                .build();
        CloudProfile cloud = Cloud.GLOBAL.profile().withAuthorityBase(emulator.loginUrl());
        appTokens = EntraTokens.appOnly(
                AppRegistration.confidential(
                        cloud,
                        EmulatorEwsTest.TENANT,
                        EmulatorEwsTest.WEB_APP,
                        ClientCredential.secret(Secret.of(EmulatorEwsTest.WEB_APP_SECRET))),
                cloud.ewsAppScope(),
                http);
    }

    @AfterEach
    void everyRequestAndResponseWasSchemaValid() {
        emulator.exchange().faults().reset();
        assertThat(schema.validated()).contains("GetItem");
        assertThat(schema.validatedResponses()).contains("GetItem");
    }

    static EwsClient adele() {
        return protocol.client(SignIn.appOnly(appTokens, ADELE));
    }

    /** Delivers {@code n} messages of different sizes; returns id to MIME, in delivery order. */
    static Map<ItemId, byte[]> deliver(int n) {
        Map<ItemId, byte[]> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] mime = ("From: Sender <sender@example.com>\r\nTo: " + ADELE + "\r\nSubject: download " + i
                            + "\r\nMessage-ID: <" + UUID.randomUUID() + "@example.com>\r\nMIME-Version: 1.0"
                            + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                            + "line of the body\r\n".repeat(1 + i * 7) + "\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            out.put(ItemId.of(emulator.exchange().mailboxes().deliver(ADELE, mime)), mime);
        }
        return out;
    }

    /** Collects each item's MIME; one stream per open, kept in open order. */
    static final class Collecting implements MimeDownload.Sink {
        final Map<ItemId, ByteArrayOutputStream> mime = new ConcurrentHashMap<>();
        final List<ItemId> opened = new CopyOnWriteArrayList<>();
        final AtomicInteger open = new AtomicInteger();

        @Override
        public OutputStream open(ItemId id) throws IOException {
            opened.add(id);
            open.incrementAndGet();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            mime.put(id, b);
            return new java.io.FilterOutputStream(b) {
                @Override
                public void write(byte[] buf, int off, int len) throws IOException {
                    out.write(buf, off, len);
                }

                @Override
                public void close() throws IOException {
                    open.decrementAndGet();
                    super.close();
                }
            };
        }
    }

    @Test
    void downloadsEveryItemWithSeveralRequestsInFlightAndHandsBatchesOverInOrder() {
        Map<ItemId, byte[]> delivered = deliver(57);
        List<ItemId> ids = new ArrayList<>(delivered.keySet());
        Collecting sink = new Collecting();
        List<List<ItemId>> seen = new ArrayList<>();
        Thread caller = Thread.currentThread();
        MimeDownload download =
                MimeDownload.builder(adele()).batchSize(5).inFlight(4).build();

        MimeDownload.Result r = download.run(ids, sink, (batch, outcomes) -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            assertThat(outcomes.size()).isEqualTo(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Item item = outcomes.get(i).orThrow();
                assertThat(item.id().id()).isEqualTo(batch.get(i).id());
                assertThat(item.mimeBytes()).isEqualTo(delivered.get(batch.get(i)).length);
                // the batch's sinks are all closed and complete when it is handed over
                assertThat(sink.mime.get(batch.get(i)).toByteArray()).isEqualTo(delivered.get(batch.get(i)));
            }
            seen.add(batch);
        });

        assertThat(seen).hasSize(12);
        assertThat(seen.stream().flatMap(List::stream).toList()).isEqualTo(ids);
        assertThat(r.items()).isEqualTo(57);
        assertThat(r.failed()).isZero();
        assertThat(r.requests()).isEqualTo(12);
        assertThat(r.mimeBytes())
                .isEqualTo(delivered.values().stream().mapToLong(m -> m.length).sum());
        assertThat(sink.open).hasValue(0);
        assertThat(sink.opened).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void requestsReallyOverlap() throws Exception {
        List<ItemId> ids = new ArrayList<>(deliver(8).keySet());
        // Each batch's first sink waits until all four batches have one open: only possible with four
        // GetItem responses arriving at once (a serial download would never trip the barrier).
        CyclicBarrier allFour = new CyclicBarrier(4);
        Collecting collect = new Collecting();
        MimeDownload.Result r = MimeDownload.builder(adele())
                .batchSize(2)
                .inFlight(4)
                .build()
                .run(ids, id -> {
                    if (ids.indexOf(id) % 2 == 0) {
                        try {
                            allFour.await(60, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IOException("the requests did not overlap", e);
                        }
                    }
                    return collect.open(id);
                });
        assertThat(r.items()).isEqualTo(8);
        assertThat(r.requests()).isEqualTo(4);
    }

    @Test
    void anItemExchangeRefusesIsAnOutcomeOrTheFailureWithoutAHandler() {
        List<ItemId> ids = new ArrayList<>(deliver(6).keySet());
        assertThat(adele().execute(DeleteItem.hard(ids.get(3))).allOk()).isTrue();
        List<Outcome<Item>> outcomes = new ArrayList<>();
        MimeDownload download =
                MimeDownload.builder(adele()).batchSize(4).inFlight(2).build();

        MimeDownload.Result r = download.run(ids, new Collecting(), (batch, out) -> outcomes.addAll(out.outcomes()));

        assertThat(r.items()).isEqualTo(5);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(outcomes.get(3).ok()).isFalse();
        assertThat(outcomes.get(3).error().responseCode()).contains("ErrorItemNotFound");
        assertThatThrownBy(() -> download.run(ids, new Collecting()))
                .isInstanceOfSatisfying(
                        EwsResponseException.class,
                        e -> assertThat(e.responseCode()).contains("ErrorItemNotFound"));
    }

    @Test
    void aFailingSinkCancelsTheRestAndNothingRunsAfterwards() throws Exception {
        List<ItemId> ids = new ArrayList<>(deliver(40).keySet());
        ItemId poisoned = ids.get(7);
        Collecting collect = new Collecting();
        AtomicInteger handled = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            MimeDownload download = MimeDownload.builder(adele())
                    .batchSize(2)
                    .inFlight(3)
                    .executor(pool)
                    .build();
            assertThatThrownBy(() -> download.run(
                            ids,
                            id -> {
                                if (id.equals(poisoned)) {
                                    throw new IOException("disk full");
                                }
                                return collect.open(id);
                            },
                            (batch, outcomes) -> handled.incrementAndGet()))
                    .hasRootCauseMessage("disk full");
            int openedAtReturn = collect.opened.size();
            assertThat(collect.open).as("no sink left open").hasValue(0);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(collect.opened).as("nothing opened after run returned").hasSize(openedAtReturn);
            assertThat(handled.get())
                    .as("batches after the failing one never reach the handler")
                    .isLessThanOrEqualTo(3);
            assertThat(collect.opened).doesNotContainAnyElementsOf(ids.subList(3 * 2 + 4 * 3 * 2, ids.size()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingHandlerStopsTheDownloadWithItsException() {
        List<ItemId> ids = new ArrayList<>(deliver(30).keySet());
        Collecting collect = new Collecting();
        IllegalStateException boom = new IllegalStateException("store unavailable");
        assertThatThrownBy(() -> MimeDownload.builder(adele())
                        .batchSize(3)
                        .build()
                        .run(ids, collect, (batch, outcomes) -> {
                            throw boom;
                        }))
                .isSameAs(boom);
        assertThat(collect.open).hasValue(0);
        assertThat(collect.opened.size()).isLessThan(ids.size());
    }

    @Test
    void settingsAreBoundedByTheMailboxCap() {
        EwsClient capped = EwsProtocol.builder(protocol.endpoint())
                .maxConcurrentRequestsPerMailbox(3)
                .build()
                .client(SignIn.appOnly(appTokens, ADELE));
        assertThatThrownBy(() -> MimeDownload.builder(capped).inFlight(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-3");
        assertThat(MimeDownload.builder(capped).inFlight(3).build().inFlight()).isEqualTo(3);
        assertThat(MimeDownload.builder(adele()).build().batchSize()).isEqualTo(MimeDownload.DEFAULT_BATCH_SIZE);
        assertThatThrownBy(() -> MimeDownload.builder(adele()).batchSize(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MimeDownload.builder(adele()).shape(ItemShape.idOnly()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MimeDownload.builder(adele())
                        .executor(Runnable::run)
                        .build()
                        .run(List.of(ItemId.of("x")), new Collecting()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("calling thread");
        // the AfterEach check wants a GetItem in this test too
        assertThat(MimeDownload.builder(adele())
                        .build()
                        .run(new ArrayList<>(deliver(1).keySet()), new Collecting())
                        .items())
                .isEqualTo(1);
    }
}
