package dev.mailbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.server.MailbridgeServer;
import dev.mailbridge.server.security.ApiKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code bench pipeline}: arrival-to-webhook through the whole receive pipeline. The emulator (Exchange
 * Server tenant northwind.local, Basic with impersonation) and Mailbridge servers (embedded H2, each in
 * its own data folder) run in this JVM; a JDK HttpServer is the webhook and records when each message
 * arrives. Mail is put into the emulated mailbox with the in-process deliver, so latency = arrival at the
 * webhook − the instant just before deliver, both on this JVM's nanoTime.
 *
 * <p>The modes of one run each get their own server, side by side in the same JVM at the same time:
 * {@code streaming} (Mailbridge's default, polling every 30 s as the backstop), {@code poll-30} (polling
 * at Mailbridge's default interval) and {@code poll-60} (the named peer: the seed help desk polls every
 * minute). Ingest and scale run on the streaming server. {@code graph} (not run unless named in {@code
 * --modes}): an Exchange Online mailbox of the Contoso tenant over Microsoft Graph, app-only, hearing of new
 * mail by Graph change notifications that the emulator POSTs to the server's {@code /graph/notifications}
 * (its public base URL is its own loopback address, allowed because the emulator's Graph is local), with the
 * same 30 s poll backstop as {@code streaming}.
 */
final class PipelineBench {
    static final List<String> MODES = List.of("streaming", "poll-30", "poll-60");
    static final List<String> KNOWN_MODES = List.of("streaming", "poll-30", "poll-60", "graph");
    static final String CONTOSO = "contoso.onmicrosoft.com";
    static final String CONTOSO_ID = "c0a7c0a7-0000-4000-8000-000000000001";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern TAG = Pattern.compile("pb-(\\d+)");

    record Options(
            int messages,
            int meanGapMillis,
            List<String> modes,
            int ingest,
            int ingestMailboxes,
            List<Integer> scale,
            Path out) {}

    private PipelineBench() {}

    static String usage() {
        return """
                Usage: bench pipeline [--messages N] [--gap-ms N] [--modes LIST] [--ingest N] [--ingest-mailboxes N] [--scale LIST] [--out FILE]
                  Emulator + Mailbridge servers in-process (embedded H2), webhook receiver in the bench.
                  Latency: --messages (default 200) delivered one at a time per mode at random (exponential)
                  gaps of mean --gap-ms (default 500) into one watched mailbox, all modes at once, each on
                  its own server: streaming, poll-30, poll-60 (default these three) and graph (Microsoft
                  Graph change notifications, Contoso app-only; only when named). Ingest (streaming): --ingest
                  messages (default 2000) as fast as possible into 1 mailbox, then the same spread over
                  --ingest-mailboxes (default 1000). Scale (streaming): heap after GC and live threads with
                  --scale watched mailboxes (default 1000,10000; 0 = skip), and one message's latency there.""";
    }

    static Options parse(String[] args) {
        int messages = 200;
        int gap = 500;
        List<String> modes = MODES;
        int ingest = 2000;
        int ingestMailboxes = 1000;
        List<Integer> scale = List.of(1000, 10_000);
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--messages" -> messages = Integer.parseInt(v);
                case "--gap-ms" -> gap = Integer.parseInt(v);
                case "--modes" -> modes = List.of(v.split(","));
                case "--ingest" -> ingest = Integer.parseInt(v);
                case "--ingest-mailboxes" -> ingestMailboxes = Integer.parseInt(v);
                case "--scale" ->
                    scale = Arrays.stream(v.split(","))
                            .map(Integer::parseInt)
                            .filter(n -> n > 0)
                            .toList();
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String m : modes) {
            if (!KNOWN_MODES.contains(m)) {
                throw new IllegalArgumentException("unknown mode " + m + " (known: " + KNOWN_MODES + ")");
            }
        }
        if (messages < 0 || gap < 0 || ingest < 0 || ingestMailboxes < 1) {
            throw new IllegalArgumentException("sizes must not be negative, --ingest-mailboxes at least 1");
        }
        return new Options(messages, gap, modes, ingest, ingestMailboxes, scale, out);
    }

    static void main(String[] args) throws Exception {
        Options o = BenchMain.optionsOrUsage(args, PipelineBench::parse, usage());
        if (o == null) {
            return;
        }
        BenchMain.report(run(o, args), o.out());
    }

    /** The webhook: the arrival instant of each tagged message, the first time it comes. */
    static final class Webhook implements AutoCloseable {
        final Map<Long, Long> arrived = new ConcurrentHashMap<>();
        final AtomicInteger requests = new AtomicInteger();
        final HttpServer server;

        Webhook() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
            server.setExecutor(Executors.newFixedThreadPool(
                    8, Thread.ofPlatform().daemon().name("webhook-", 0).factory()));
            server.createContext("/hook", exchange -> {
                long now = System.nanoTime();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.incrementAndGet();
                Matcher m = TAG.matcher(body);
                if (m.find()) {
                    arrived.putIfAbsent(Long.parseLong(m.group(1)), now);
                }
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** One Mailbridge server in this JVM, its API reached over HTTP as a client would. */
    static final class Server implements AutoCloseable {
        final String mode;
        final ConfigurableApplicationContext context;
        final String base;
        final String key;
        final HttpClient http = HttpClient.newHttpClient();
        String connection;
        /** Every address this server watches, in the order they were added. */
        final List<String> watched = java.util.Collections.synchronizedList(new ArrayList<>());

        Server(String mode, Path dataDir) {
            this.mode = mode;
            String notifications = mode.equals("streaming") || mode.equals("graph") ? "streaming" : "poll";
            String interval = mode.equals("poll-60") ? "PT60S" : "PT30S";
            // Graph's notifications need the server's address before it starts: a free port, chosen now
            int port = mode.equals("graph") ? freePort() : 0;
            SpringApplication app = new SpringApplication(MailbridgeServer.class);
            context = app.run(
                    "--server.port=" + port,
                    "--mailbridge.public-base-url=http://localhost:" + port,
                    "--mailbridge.data-dir=" + dataDir,
                    "--mailbridge.database-url=",
                    "--mailbridge.receive.notifications=" + notifications,
                    "--mailbridge.poll-interval=" + interval,
                    "--mailbridge.sweep-initial-delay=PT24H",
                    "--spring.main.banner-mode=off");
            base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            key = context.getBean(ApiKeys.class)
                    .create("pipeline bench", EnumSet.of(ApiKey.Scope.WRITE, ApiKey.Scope.READ), "bench")
                    .value();
        }

        JsonNode call(String method, String path, Object body, int expected) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(120))
                        .header("Authorization", "Bearer " + key)
                        .header("Accept", "application/json");
                if (body != null) {
                    b.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                } else {
                    b.method(method, HttpRequest.BodyPublishers.noBody());
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != expected) {
                    throw new IllegalStateException(
                            mode + ": " + method + " " + path + " answered " + r.statusCode() + " " + r.body());
                }
                return r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /**
         * An organisation, the connection (Exchange Server: ews.service impersonating; graph: the Contoso web
         * app over Microsoft Graph, app-only) and the webhook target.
         */
        void setUp(Emulator emulator, Webhook hook) throws IOException {
            String org = call("POST", "/api/v1/organisations", Map.of("name", "Bench " + mode), 201)
                    .get("id")
                    .asText();
            Map<String, Object> c = new LinkedHashMap<>();
            if (mode.equals("graph")) {
                c.put("name", "Contoso app over Graph");
                c.put("transport", "GRAPH");
                c.put("signInMode", "OAUTH_APP_ONLY");
                c.put("ewsUrl", emulator.loginUrl() + emulator.exchange().ewsPath());
                c.put(
                        "graphUrl",
                        emulator.graphUrl(dev.mailbridge.emulator.Cloud.GLOBAL).toString());
                c.put("loginAuthority", emulator.loginUrl().toString());
                c.put("tenantId", CONTOSO);
                c.put("clientId", GraphSync.WEB_APP);
                c.put("clientSecret", GraphSync.WEB_APP_SECRET);
            } else {
                c.put("name", "Service account");
                c.put("signInMode", "BASIC_IMPERSONATED");
                c.put("ewsUrl", emulator.loginUrl() + emulator.exchange().ewsPath());
                c.put("username", "ews.service@northwind.local");
                c.put("password", "Ews-Service1!");
            }
            c.put("trustedCaPem", Files.readString(emulator.caCertificate()));
            connection = call("POST", "/api/v1/organisations/" + org + "/connections", c, 201)
                    .get("id")
                    .asText();
            call(
                    "POST",
                    "/api/v1/delivery-targets",
                    Map.of("name", "Bench hook " + mode, "kind", "WEBHOOK", "url", hook.url()),
                    201);
        }

        /** Adds the (already created) emulator mailbox, tests its sign-in and enables receiving from now. */
        void watch(String address) {
            String id = call(
                            "POST", "/api/v1/connections/" + connection + "/mailboxes", Map.of("address", address), 201)
                    .get("id")
                    .asText();
            if (mode.equals("graph")) {
                call("POST", "/api/v1/mailboxes/" + id + "/authorize", null, 200); // app-only: gets a token
            } else {
                JsonNode test = call("POST", "/api/v1/mailboxes/" + id + "/test", null, 200);
                if (!test.get("passed").asBoolean()) {
                    throw new IllegalStateException(mode + ": mailbox test failed for " + address + ": " + test);
                }
            }
            call("PUT", "/api/v1/mailboxes/" + id + "/receive", Map.of("enabled", true, "startFromNow", true), 200);
            watched.add(address);
        }

        /** The server's own gauge {@code mailbridge_receive_watches{mode="STREAMING"}} (or -1). */
        double streamingWatches() {
            return watches("STREAMING");
        }

        /** The server's gauge {@code mailbridge_receive_watches{mode=...}} (or -1). */
        double watches(String gaugeMode) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                Matcher m = Pattern.compile("mailbridge_receive_watches\\{mode=\"" + gaugeMode + "\"} ([0-9.E]+)")
                        .matcher(r.body());
                return m.find() ? Double.parseDouble(m.group(1)) : -1;
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() {
            context.close();
        }
    }

    private static final AtomicInteger MAILBOXES = new AtomicInteger();
    private static final java.util.concurrent.atomic.AtomicLong TAGS = new java.util.concurrent.atomic.AtomicLong();

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A user with a mailbox in the Contoso (Exchange Online) tenant, for the graph mode. */
    static String newContosoMailbox(Emulator emulator, String prefix) {
        String address = prefix + "." + MAILBOXES.incrementAndGet() + "@" + CONTOSO;
        emulator.entra().directory().createUser(CONTOSO, JSON.createObjectNode().put("upn", address));
        emulator.exchange().mailboxes().createMailbox(address, prefix, CONTOSO_ID);
        return address;
    }

    static String newMailbox(Emulator emulator, String prefix) {
        String address = prefix + "." + MAILBOXES.incrementAndGet() + "@northwind.local";
        emulator.exchange().mailboxes().createMailbox(address, prefix, "0b1e0b1e-0000-4000-8000-000000000001");
        return address;
    }

    /** Delivers one tagged message; returns its tag, the nanoTime just before deliver in {@code sent}. */
    static long deliver(Emulator emulator, String address, Map<Long, Long> sent) {
        long tag = TAGS.incrementAndGet();
        byte[] mime = ("From: Customer <customer@example.com>\r\nTo: " + address + "\r\nSubject: Order pb-" + tag
                        + "\r\nMessage-ID: <pb-" + tag
                        + "@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                        + "Hello, this is order pb-" + tag + ".\r\n")
                .getBytes(StandardCharsets.UTF_8);
        sent.put(tag, System.nanoTime());
        emulator.exchange().store().deliver(address, mime);
        return tag;
    }

    /** Waits until every sent tag has arrived or {@code timeout} passes; returns the latencies in ns, sorted. */
    static long[] await(Map<Long, Long> sent, Webhook hook, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !hook.arrived.keySet().containsAll(sent.keySet())) {
            Thread.sleep(20);
        }
        return sent.entrySet().stream()
                .filter(e -> hook.arrived.containsKey(e.getKey()))
                .mapToLong(e -> hook.arrived.get(e.getKey()) - e.getValue())
                .sorted()
                .toArray();
    }

    /** Watches {@code count} new mailboxes on {@code s}, four API calls in flight. */
    static List<String> watchMany(Server s, Emulator emulator, String prefix, int count) throws Exception {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            addresses.add(newMailbox(emulator, prefix));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (String a : addresses) {
                done.add(pool.submit(() -> s.watch(a)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        return addresses;
    }

    /** Waits until the server streams for at least {@code count} mailboxes (or 10 min). */
    static void awaitStreaming(Server s, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline && s.streamingWatches() < count) {
            Thread.sleep(500);
        }
        // the stream groups reconnect shortly (regroup delay) after members join; let them settle
        Thread.sleep(2000);
    }

    static String ms(long[] sorted, double p) {
        return sorted.length == 0 ? "–" : String.format(Locale.ROOT, "%.0f", Latencies.percentileMillis(sorted, p));
    }

    static String run(Options o, String[] args) throws Exception {
        long machine0 = EwsSync.machineBusyNanos();
        long process0 = EwsSync.processCpu();
        long t0 = System.nanoTime();
        StringBuilder r = new StringBuilder();
        Path data = Files.createTempDirectory("pipeline-bench");
        EwsFixtures fixtures = EwsFixtures.start();
        Emulator emulator = fixtures.emulator;
        // 10,000 impersonated mailboxes make 50 streaming connections (200 subscriptions each); each is
        // charged to its first impersonated member's budget, so the raise is a precaution only.
        emulator.exchange().notifications().connectionLimit(1000);
        Map<String, Server> servers = new LinkedHashMap<>();
        try (Webhook hook = new Webhook()) {
            for (String mode : o.modes()) {
                Server s = new Server(mode, data.resolve(mode));
                servers.put(mode, s);
                s.setUp(emulator, hook);
            }
            r.append(String.format(
                    Locale.ROOT,
                    "%s · `java -cp \"bench/target/classes:bench/target/lib/*\" dev.mailbridge.bench.BenchMain pipeline %s`"
                            + " · JDK %s · %d cores · max heap %d MiB · embedded H2%n%n",
                    Instant.now().truncatedTo(ChronoUnit.SECONDS),
                    String.join(" ", args),
                    Runtime.version(),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() >> 20));

            if (o.messages() > 0) {
                latency(o, emulator, hook, servers, r);
            }
            Server streaming = servers.get("streaming");
            if (streaming != null && o.ingest() > 0) {
                ingest(o, emulator, hook, streaming, r);
            }
            if (streaming != null && !o.scale().isEmpty()) {
                scale(o, emulator, hook, streaming, r);
            }
        } finally {
            for (Server s : servers.values()) {
                s.close();
            }
            emulator.close();
        }
        long wall = System.nanoTime() - t0;
        int cores = Runtime.getRuntime().availableProcessors();
        double others = machine0 < 0
                ? Double.NaN
                : Math.max(0, EwsSync.machineBusyNanos() - machine0 - (EwsSync.processCpu() - process0))
                        / (double) wall
                        / cores;
        r.append(String.format(
                Locale.ROOT,
                "%nWhole run %.0f s; CPU other processes took meanwhile: %.0f%% of the machine.%n",
                wall / 1e9,
                others * 100));
        return r.toString();
    }

    static void latency(Options o, Emulator emulator, Webhook hook, Map<String, Server> servers, StringBuilder r)
            throws Exception {
        Map<String, String> mailbox = new LinkedHashMap<>();
        for (Map.Entry<String, Server> e : servers.entrySet()) {
            String a = e.getKey().equals("graph")
                    ? newContosoMailbox(emulator, "latency-graph")
                    : newMailbox(emulator, "latency-" + e.getKey());
            e.getValue().watch(a);
            mailbox.put(e.getKey(), a);
        }
        if (servers.containsKey("streaming")) {
            awaitStreaming(servers.get("streaming"), 1);
        }
        if (servers.containsKey("graph")) {
            Server g = servers.get("graph");
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (g.watches("GRAPH") < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("graph: the mailbox has no Graph subscription after 2 minutes");
                }
                Thread.sleep(200);
            }
        }
        // all modes at once, each its own delivery thread and random gaps
        Map<String, Map<Long, Long>> sent = new LinkedHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (String mode : servers.keySet()) {
            Map<Long, Long> s = new ConcurrentHashMap<>();
            sent.put(mode, s);
            Random random = new Random(mode.hashCode());
            Thread t = Thread.ofPlatform().name("deliver-" + mode).start(() -> {
                for (int i = 0; i < o.messages(); i++) {
                    long gap = (long) (-Math.log(1 - random.nextDouble()) * o.meanGapMillis());
                    try {
                        Thread.sleep(gap);
                    } catch (InterruptedException ex) {
                        return;
                    }
                    deliver(emulator, mailbox.get(mode), s);
                }
            });
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        r.append(String.format(
                Locale.ROOT,
                "Latency, arrival at the webhook − deliver into Exchange, %d messages per mode, one at a time at random"
                        + " gaps (mean %d ms), all modes at once:%n%n",
                o.messages(),
                o.meanGapMillis()));
        r.append("| mode | arrived | p50 ms | p90 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|\n");
        for (String mode : servers.keySet()) {
            long[] l = await(sent.get(mode), hook, Duration.ofSeconds(90));
            r.append(String.format(
                    Locale.ROOT,
                    "| %s | %d/%d | %s | %s | %s | %s |%n",
                    mode,
                    l.length,
                    o.messages(),
                    ms(l, 50),
                    ms(l, 90),
                    ms(l, 99),
                    ms(l, 100)));
        }
        r.append('\n');
    }

    static void ingest(Options o, Emulator emulator, Webhook hook, Server s, StringBuilder r) throws Exception {
        String one = newMailbox(emulator, "ingest-one");
        s.watch(one);
        List<String> many = watchMany(s, emulator, "ingest-many", o.ingestMailboxes());
        awaitStreaming(s, o.ingestMailboxes() + 1);
        r.append(String.format(
                Locale.ROOT,
                "Sustained ingest (streaming), %d messages delivered as fast as the emulator takes them; messages/s from"
                        + " the first deliver until the last arrives at the webhook:%n%n",
                o.ingest()));
        r.append("| mailboxes | delivered in s | all arrived after s | msg/s | p50 ms | p99 ms |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
        for (List<String> targets : List.of(List.of(one), many)) {
            Map<Long, Long> sent = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            for (int i = 0; i < o.ingest(); i++) {
                deliver(emulator, targets.get(i % targets.size()), sent);
            }
            long delivered = System.nanoTime() - start;
            long[] l = await(sent, hook, Duration.ofMinutes(5));
            long last = sent.keySet().stream()
                    .filter(hook.arrived::containsKey)
                    .mapToLong(hook.arrived::get)
                    .max()
                    .orElse(start);
            double secs = (last - start) / 1e9;
            r.append(String.format(
                    Locale.ROOT,
                    "| %d | %.2f | %.2f%s | %.0f | %s | %s |%n",
                    targets.size(),
                    delivered / 1e9,
                    secs,
                    l.length < o.ingest() ? " (" + l.length + "/" + o.ingest() + " arrived)" : "",
                    l.length / secs,
                    ms(l, 50),
                    ms(l, 99)));
        }
        r.append('\n');
    }

    static void scale(Options o, Emulator emulator, Webhook hook, Server s, StringBuilder r) throws Exception {
        r.append("Scale (streaming): the whole JVM (emulator + Mailbridge servers) after System.gc(); watched = the"
                + " streaming server's gauge mailbridge_receive_watches{mode=\"STREAMING\"}:\n\n");
        r.append(
                "| watched mailboxes | streaming watches | heap used MiB | live threads | setup s | one message, ms |\n"
                        + "|---:|---:|---:|---:|---:|---:|\n");
        int watched = (int) Math.max(0, s.streamingWatches());
        List<String> all = new ArrayList<>(s.watched);
        for (int target : o.scale()) {
            long t0 = System.nanoTime();
            if (target > watched) {
                all.addAll(watchMany(s, emulator, "scale", target - watched));
                awaitStreaming(s, target);
            }
            long setup = System.nanoTime() - t0;
            watched = (int) s.streamingWatches();
            System.gc();
            Thread.sleep(500);
            System.gc();
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            Map<Long, Long> sent = new ConcurrentHashMap<>();
            deliver(emulator, all.get(new Random(target).nextInt(all.size())), sent);
            long[] l = await(sent, hook, Duration.ofSeconds(60));
            String row = String.format(
                    Locale.ROOT,
                    "| %d | %d | %d | %d | %.0f | %s |%n",
                    target,
                    watched,
                    heap >> 20,
                    threads,
                    setup / 1e9,
                    ms(l, 100));
            System.err.print("bench pipeline: " + row); // a long run's rows as they come
            r.append(row);
        }
        r.append('\n');
    }
}
