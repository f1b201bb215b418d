package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.core.receive.ReceivePipeline;
import dev.mailbridge.core.store.Database;
import dev.mailbridge.core.store.Stores;
import dev.mailbridge.core.store.TestDatabases;
import dev.mailbridge.core.vault.KeyRing;
import dev.mailbridge.core.vault.Vault;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.server.MailbridgeServer;
import dev.mailbridge.server.api.ReceiveApiTest.Receiver;
import dev.mailbridge.server.security.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 5's crash test: the real server in its own JVM on PostgreSQL, the emulator's Exchange Server
 * mailbox receiving mail all the time, a real webhook receiver, and the server killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux; the exit status 137 proves it) {@value #KILLS} times in a row and
 * restarted on the same database. Half the kills come at random moments (mid-sync, mid-delivery or idle),
 * half while the receiver holds a request open, so the acknowledgement is certainly lost.
 *
 * <p>What the design promises (the outbox, see {@code DeliveryWorker}): the sync commits the received record,
 * the new sync state and the outbox rows together, so a kill mid-sync only repeats the uncommitted page and
 * hands on nothing twice; a delivery is repeated only when a kill interrupted an attempt before its outcome
 * was recorded. Such an attempt leaves its row DELIVERING under the dead server's lease token, which the test
 * reads right after each kill. A server claims no more rows than it has delivery threads, so one kill
 * interrupts at most {@value #CONCURRENCY} attempts. Hence, checked below: every message arrives; every repeat
 * carries the message's one idempotency key; each row's attempts are exactly its first one plus the attempts
 * kills interrupted on it; the receiver saw each message at most that many times; and the repeats are at most
 * the interrupted attempts, at most {@value #CONCURRENCY} per kill.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillNineRestartTest {
    static final int KILLS = 20;
    static final int CONCURRENCY = 4;
    /**
     * Far above the slowest delivery here (the receiver answers within 0.1 s), even on a starved machine: a
     * lease running out under a live attempt would be a repeat no kill caused. Short enough that a dead
     * server's claims come back within a restart or two.
     */
    static final Duration LEASE = Duration.ofSeconds(10);

    static final Path WORK = Path.of("target", "killnine");
    static final Path LOG = WORK.resolve("server.log");

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread reaper = new Thread(this::killServer, "killnine-reaper");
    private volatile Process server;
    private int port;
    private List<String> command;
    private final List<Long> startMillis = new ArrayList<>();

    @AfterAll
    void noChildSurvives() {
        killServer();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never added
        }
    }

    private void killServer() {
        Process p = server;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void killedTwentyTimesMidSyncAndMidDeliveryNothingIsLostAndRepeatsStayWithinTheInterruptedAttempts()
            throws Throwable {
        try {
            run();
        } catch (Throwable e) {
            throw new AssertionError(
                    e.getMessage() + "\n--- the tail of " + LOG.toAbsolutePath() + " ---\n" + tail(), e);
        }
    }

    private void run() throws Exception {
        Files.createDirectories(WORK);
        Files.deleteIfExists(LOG);
        Path dataDir = TestDatabases.tempDir();
        TestDatabases.Target db = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
        // The test's own view of the database: it bootstraps the API key (as an admin would in the UI) and
        // reads the outbox after each kill. Same key file as the server's, in the same data directory.
        try (Database database = Database.migrate(Database.pool(db.url(), db.user(), null))) {
            Stores stores = new Stores(
                    database, new Vault(KeyRing.load(Map.of(), dataDir.resolve("master.key"))), Clock.systemUTC());
            String writer = new ApiKeys(stores)
                    .create("killnine", EnumSet.of(ApiKey.Scope.WRITE, ApiKey.Scope.READ), "test")
                    .value();
            port = freePort();
            command = command(db, dataDir);
            Runtime.getRuntime().addShutdownHook(reaper);
            start();

            Emulator emulator = EMULATOR.emulator();
            ApiClient api = new ApiClient(port);
            String connection = api.northwindServiceConnection(writer, "Kill nine", emulator);
            try (Receiver receiver = new Receiver()) {
                Hold hold = new Hold();
                receiver.answer = n -> hold.answer();
                ReceiveApiTest.webhookTarget(api, writer, receiver);
                String mailbox = ReceiveApiTest.mailbox(api, writer, connection, emulator, "killnine");
                String address = api.get("/api/v1/mailboxes/" + mailbox, writer).text("address");
                ReceiveApiTest.enable(api, writer, mailbox, false);

                List<String> sent = new CopyOnWriteArrayList<>();
                Thread feeder = Thread.ofPlatform().name("killnine-feeder").start(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            String subject = "Kill nine " + sent.size();
                            ReceiveApiTest.deliver(emulator, address, subject);
                            sent.add(subject);
                            Thread.sleep(ThreadLocalRandom.current().nextLong(250, 750));
                        }
                    } catch (InterruptedException e) {
                        // stopped
                    }
                });

                Map<Long, Set<String>> interrupted = new HashMap<>(); // outbox row -> lease tokens of dead servers
                List<Integer> newlyInterrupted = new ArrayList<>();
                try {
                    for (int kill = 1; kill <= KILLS; kill++) {
                        if (kill % 2 == 0) {
                            // while the receiver holds a request: it has the message, Mailbridge never hears so
                            assertThat(hold.arm().await(20, TimeUnit.SECONDS))
                                    .as("a delivery reached the receiver before kill " + kill)
                                    .isTrue();
                        } else {
                            Thread.sleep(ThreadLocalRandom.current().nextLong(200, 1000));
                        }
                        Process p = server;
                        p.destroyForcibly();
                        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                        assertThat(p.exitValue())
                                .as("killed by SIGKILL (128 + 9)")
                                .isEqualTo(137);
                        hold.release();
                        int before = interrupted.values().stream()
                                .mapToInt(Set::size)
                                .sum();
                        database.jdbc()
                                .query(
                                        "SELECT id, lease_owner FROM outbox WHERE state='DELIVERING'"
                                                + " AND event_type='message.received'",
                                        rs -> Map.entry(rs.getLong(1), rs.getString(2)))
                                .forEach(e -> interrupted
                                        .computeIfAbsent(e.getKey(), k -> new HashSet<>())
                                        .add(e.getValue()));
                        newlyInterrupted.add(interrupted.values().stream()
                                        .mapToInt(Set::size)
                                        .sum()
                                - before);
                        start();
                    }
                } finally {
                    feeder.interrupt();
                    feeder.join();
                }

                // After the last restart: everything sent arrives, and the outbox is settled.
                ReceiveApiTest.await(
                        sent.size() + " messages at the receiver",
                        Duration.ofSeconds(60),
                        () -> subjects(receiver).containsAll(sent));
                ReceiveApiTest.await(
                        "the outbox settled",
                        Duration.ofSeconds(30),
                        () -> database.jdbc()
                                        .count("SELECT COUNT(*) FROM outbox WHERE state<>'DELIVERED'"
                                                + " AND event_type='message.received'")
                                == 0);
                Thread.sleep(500); // a stray repeat would arrive now

                List<Receiver.Request> accepted = received(receiver);
                assertThat(subjects(receiver)).containsExactlyInAnyOrderElementsOf(sent);
                assertThat(accepted).allSatisfy(r -> {
                    assertThat(r.signatureValid()).as("signature").isTrue();
                    String itemId = r.body().get("data").get("itemId").asString();
                    assertThat(r.key()).isEqualTo(ReceivePipeline.key(java.util.UUID.fromString(mailbox), itemId));
                });
                // every repeat carries the key of the message's first delivery, and no two messages share one
                Map<String, Set<String>> keysBySubject = accepted.stream()
                        .collect(Collectors.groupingBy(
                                r -> r.body().get("data").get("subject").asString(),
                                Collectors.mapping(Receiver.Request::key, Collectors.toSet())));
                assertThat(keysBySubject.values())
                        .allSatisfy(keys -> assertThat(keys).hasSize(1));
                Map<String, Long> seen =
                        accepted.stream().collect(Collectors.groupingBy(Receiver.Request::key, Collectors.counting()));
                assertThat(seen).hasSize(sent.size());

                record Row(long id, String key, int attempts) {}
                List<Row> rows = database.jdbc()
                        .query(
                                "SELECT id, idempotency_key, attempts FROM outbox WHERE event_type='message.received'",
                                rs -> new Row(rs.getLong(1), rs.getString(2), rs.getInt(3)));
                assertThat(rows).hasSize(sent.size());
                for (Row row : rows) {
                    int interruptedHere =
                            interrupted.getOrDefault(row.id(), Set.of()).size();
                    assertThat(row.attempts())
                            .as(
                                    "attempts of outbox row %d: its successful one and those the kills interrupted",
                                    row.id())
                            .isEqualTo(1 + interruptedHere);
                    assertThat(seen.get(row.key()))
                            .as("deliveries of %s", row.key())
                            .isBetween(1L, (long) row.attempts());
                }
                long repeats = accepted.size() - seen.size();
                int interruptedTotal =
                        newlyInterrupted.stream().mapToInt(Integer::intValue).sum();
                assertThat(newlyInterrupted).allSatisfy(n -> assertThat(n).isBetween(0, CONCURRENCY));
                assertThat(repeats).isLessThanOrEqualTo(interruptedTotal);
                // the held kills each cut off an attempt the receiver had: repeats did happen and were absorbed
                assertThat(repeats).isGreaterThanOrEqualTo(KILLS / 2);
                System.out.printf(
                        "killnine: %d messages, %d kills, %d interrupted attempts %s, %d repeats; starts (ms) %s%n",
                        sent.size(), KILLS, interruptedTotal, newlyInterrupted, repeats, startMillis);
            }
        } finally {
            killServer();
        }
    }

    /**
     * Lets a test hold the next webhook request open until the server is killed: the receiver has the
     * message (it records it and answers 2xx afterwards), but Mailbridge never learns that it arrived.
     */
    static final class Hold {
        private volatile CountDownLatch reached;
        private volatile CountDownLatch killed = new CountDownLatch(0);

        synchronized CountDownLatch arm() {
            killed = new CountDownLatch(1);
            reached = new CountDownLatch(1);
            return reached;
        }

        void release() {
            killed.countDown();
        }

        int answer() {
            CountDownLatch r;
            CountDownLatch k;
            synchronized (this) {
                r = reached;
                k = killed;
                reached = null;
            }
            try {
                if (r != null) {
                    r.countDown();
                    k.await(20, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(0, 40));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 204;
        }
    }

    private static List<Receiver.Request> received(Receiver receiver) {
        return receiver.accepted().stream()
                .filter(r -> "message.received".equals(r.event()))
                .toList();
    }

    private static Set<String> subjects(Receiver receiver) {
        return received(receiver).stream()
                .map(r -> r.body().get("data").get("subject").asString())
                .collect(Collectors.toSet());
    }

    private List<String> command(TestDatabases.Target db, Path dataDir) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> c = new ArrayList<>(List.of(
                java,
                // a quick start matters more than peak speed (a class-data archive would not help: a JVM
                // killed with SIGKILL never writes one)
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx384m",
                "-cp",
                System.getProperty("java.class.path"),
                MailbridgeServer.class.getName(),
                "--server.port=" + port,
                "--mailbridge.data-dir=" + dataDir,
                "--mailbridge.database-url=" + db.url(),
                "--mailbridge.database-user=" + db.user(),
                "--mailbridge.sweep-initial-delay=PT24H",
                "--mailbridge.poll-interval=PT0.2S",
                "--mailbridge.poll-initial-delay=PT0S",
                "--mailbridge.delivery.concurrency=" + CONCURRENCY,
                "--mailbridge.delivery.lease=" + LEASE,
                "--mailbridge.delivery.retry-base=PT0.2S",
                "--mailbridge.delivery.retry-cap=PT0.5S"));
        return c;
    }

    /** Starts the server and waits until it answers its health check. */
    private void start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("MAILBRIDGE_")); // only the settings above
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        long t0 = System.nanoTime();
        Files.writeString(
                LOG,
                "\n===== start " + (startMillis.size() + 1) + " =====\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        server = pb.start();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertThat(server.isAlive()).as("the server process is running").isTrue();
            assertThat(System.nanoTime()).as("the server answers within 60 s").isLessThan(deadline);
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        startMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(LOG, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
