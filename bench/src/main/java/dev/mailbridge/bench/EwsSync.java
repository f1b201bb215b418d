package dev.mailbridge.bench;

import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.EwsProtocol;
import dev.mailbridge.ews.MimeDownload;
import dev.mailbridge.ews.SignIn;
import dev.mailbridge.ews.model.FolderRef;
import dev.mailbridge.ews.model.ItemChange;
import dev.mailbridge.ews.model.ItemId;
import dev.mailbridge.ews.ops.ItemSync;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import microsoft.exchange.webservices.data.core.ExchangeService;
import microsoft.exchange.webservices.data.core.PropertySet;
import microsoft.exchange.webservices.data.core.enumeration.misc.ExchangeVersion;
import microsoft.exchange.webservices.data.core.enumeration.property.BasePropertySet;
import microsoft.exchange.webservices.data.core.enumeration.property.WellKnownFolderName;
import microsoft.exchange.webservices.data.core.enumeration.service.ServiceResult;
import microsoft.exchange.webservices.data.core.enumeration.service.SyncFolderItemsScope;
import microsoft.exchange.webservices.data.core.response.GetItemResponse;
import microsoft.exchange.webservices.data.core.response.ServiceResponseCollection;
import microsoft.exchange.webservices.data.core.service.schema.ItemSchema;
import microsoft.exchange.webservices.data.credential.WebCredentials;
import microsoft.exchange.webservices.data.property.complex.FolderId;
import microsoft.exchange.webservices.data.sync.ChangeCollection;

/**
 * {@code bench ews-sync}: the initial sync of one mailbox from the emulator over loopback (plain
 * HTTP, Basic on the on-premises tenant): SyncFolderItems from no state (IdOnly, 512 per page)
 * until IncludesLastItemInRange, then GetItem with MimeContent for every item in batches. Runs
 * Mailbridge, ews-java-api and a raw replay of the same requests (the emulator's own serving rate)
 * one after another in this JVM against the same emulator and mailbox, each on one client thread.
 */
final class EwsSync {
    static final String CLIENT_THREAD = "ews-sync-client";
    static final List<String> CLIENTS = List.of("mailbridge", "ews-java-api", "replay");

    record Options(int messages, int batch, int inFlight, int warmup, int rounds, List<String> clients, Path out) {}

    /** One client's run: messages, MIME bytes received, wall time, CPU and allocation by side. */
    record Run(
            String client,
            int messages,
            long mimeBytes,
            int requests,
            long wallNanos,
            long clientCpu,
            long serverCpu,
            long clientAlloc,
            long serverAlloc,
            long processCpu,
            long jitCpu,
            long gcCpu,
            double othersShare) {
        double perSecond() {
            return messages / (wallNanos / 1e9);
        }
    }

    private EwsSync() {}

    static String usage() {
        return """
                Usage: bench ews-sync [--messages N] [--batch N] [--in-flight N] [--warmup N] [--rounds N] [--clients LIST] [--out FILE]
                  Initial sync of a mailbox of N messages (default 20000, 5-20 KB each) from the emulator:
                  SyncFolderItems (IdOnly, 512/page) then GetItem with MimeContent in batches of --batch
                  (default 10, every client). GetItem requests in flight (--in-flight, default 4): mailbridge
                  (MimeDownload) and replay; ews-java-api always sends one at a time, as bindToItems does.
                  Clients (default all, in this order, each round): mailbridge, ews-java-api, replay (raw
                  requests, bodies discarded: the emulator's serving rate). --warmup (default 5) rounds run
                  first and are not reported (JIT); --rounds (default 5): the median round per client is
                  shown, and the median of the per-round ratios mailbridge / ews-java-api.""";
    }

    static Options parse(String[] args) {
        int messages = 20_000;
        int batch = 10;
        int inFlight = 4;
        int warmup = 5;
        int rounds = 5;
        List<String> clients = CLIENTS;
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
                case "--batch" -> batch = Integer.parseInt(v);
                case "--in-flight" -> inFlight = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--clients" -> clients = List.of(v.split(","));
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        for (String c : clients) {
            if (!CLIENTS.contains(c)) {
                throw new IllegalArgumentException("unknown client " + c + " (known: " + CLIENTS + ")");
            }
        }
        if (messages < 1 || batch < 1 || batch > 512 || rounds < 1 || warmup < 0 || inFlight < 1 || inFlight > 10) {
            throw new IllegalArgumentException(
                    "--messages, --batch (1-512), --in-flight (1-10) and --rounds must be positive, --warmup not negative");
        }
        return new Options(messages, batch, inFlight, warmup, rounds, clients, out);
    }

    static void main(String[] args) throws Exception {
        Options o = BenchMain.optionsOrUsage(args, EwsSync::parse, usage());
        if (o == null) {
            return;
        }
        BenchMain.report(run(o, args), o.out());
    }

    static String run(Options o, String[] args) throws Exception {
        try (EwsFixtures f = EwsFixtures.start()) {
            long fillStart = System.nanoTime();
            List<String> delivered = f.fill(EwsFixtures.NANCY, o.messages(), 20_000);
            System.err.printf(
                    Locale.ROOT,
                    "bench: delivered %d messages in %.1f s%n",
                    delivered.size(),
                    (System.nanoTime() - fillStart) / 1e9);
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            for (int round = 1 - o.warmup(); round <= o.rounds(); round++) {
                for (String client : o.clients()) {
                    System.gc();
                    Run r = measure(client, () -> switch (client) {
                        case "mailbridge" -> mailbridge(f.ews, o.batch(), o.inFlight());
                        case "ews-java-api" -> ewsJavaApi(f.ews, o.batch());
                        default -> replay(f, o.batch(), o.inFlight());
                    });
                    if (r.messages() != o.messages()) {
                        throw new IllegalStateException(
                                client + " synced " + r.messages() + " messages, expected " + o.messages());
                    }
                    System.err.printf(
                            Locale.ROOT,
                            "bench: %s %d %s: %d messages, %.1f MB MIME, %.1f s, %.0f msg/s, client CPU %.0f, process CPU %.0f µs/msg"
                                    + " (JIT %.0f),"
                                    + " others %.0f %%%n",
                            round < 1 ? "warm-up" : "round",
                            round < 1 ? round + o.warmup() : round,
                            client,
                            r.messages(),
                            r.mimeBytes() / 1e6,
                            r.wallNanos() / 1e9,
                            r.perSecond(),
                            r.clientCpu() / (double) r.messages() / 1000,
                            r.processCpu() / (double) r.messages() / 1000,
                            r.jitCpu() / (double) r.messages() / 1000,
                            r.othersShare() * 100);
                    if (round >= 1) {
                        runs.computeIfAbsent(client, k -> new ArrayList<>()).add(r);
                    }
                }
            }
            return report(o, args, runs);
        }
    }

    /** What a client did: messages synced, MIME bytes received, HTTP requests. */
    record Work(int messages, long mimeBytes, int requests) {}

    interface ClientRun {
        Work run() throws Exception;
    }

    /** Runs {@code body} on a fresh thread named {@value #CLIENT_THREAD} and measures it. */
    static Run measure(String client, ClientRun body) throws Exception {
        Object[] result = new Object[1];
        Map<Long, long[]> before = threadCounters();
        long process0 = processCpu();
        long machine0 = machineBusyNanos();
        long[] vm0 = vmThreadsCpu();
        long t0 = System.nanoTime();
        Map<Long, long[]> clientSide = new java.util.concurrent.ConcurrentHashMap<>();
        Thread t = new Thread(
                () -> {
                    try {
                        result[0] = body.run();
                    } catch (Throwable e) {
                        result[0] = e;
                    }
                    // This thread's own counters, read as it ends (it is gone when measure reads the rest).
                    clientSide.putAll(threadCounters(CLIENT_THREAD));
                },
                CLIENT_THREAD + "-" + client);
        t.start();
        t.join();
        long wall = System.nanoTime() - t0;
        long process = processCpu() - process0;
        long machine = machineBusyNanos() - machine0;
        long[] vm1 = vmThreadsCpu();
        int cores = Runtime.getRuntime().availableProcessors();
        double others = machine0 < 0 ? Double.NaN : Math.max(0, machine - process) / (double) wall / cores;
        if (result[0] instanceof Throwable e) {
            throw new IllegalStateException(client + " failed: " + e, e);
        }
        Map<Long, long[]> after = threadCounters();
        after.putAll(clientSide.entrySet().stream()
                .filter(e -> !after.containsKey(e.getKey()))
                .collect(HashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), HashMap::putAll));
        long clientCpu = 0;
        long serverCpu = 0;
        long clientAlloc = 0;
        long serverAlloc = 0;
        for (Map.Entry<Long, long[]> e : after.entrySet()) {
            long[] now = e.getValue();
            long[] then = before.getOrDefault(e.getKey(), new long[] {0, 0, 0});
            long cpu = Math.max(0, now[0] - then[0]);
            long alloc = Math.max(0, now[1] - then[1]);
            if (now[2] == 1) {
                clientCpu += cpu;
                clientAlloc += alloc;
            } else {
                serverCpu += cpu;
                serverAlloc += alloc;
            }
        }
        Work w = (Work) result[0];
        return new Run(
                client,
                w.messages(),
                w.mimeBytes(),
                w.requests(),
                wall,
                clientCpu,
                serverCpu,
                clientAlloc,
                serverAlloc,
                process,
                vm1[0] - vm0[0],
                vm1[1] - vm0[1],
                others);
    }

    /**
     * CPU of this JVM's own native threads, which no ThreadMXBean reports: {JIT compilers, garbage
     * collector}, in ns, from {@code /proc/self/task/*}/stat (0 where there is none).
     */
    static long[] vmThreadsCpu() {
        long[] out = new long[2];
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] f = stat.substring(close + 2).split(" ");
                    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the name and state.
                    long ns = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        out[0] += ns;
                    } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        out[1] += ns;
                    }
                } catch (Exception gone) {
                    // a thread that ended meanwhile
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return out;
    }

    /**
     * Busy CPU time of the whole machine (user + nice + system + irq + softirq + steal, all cores) from
     * {@code /proc/stat}, in ns; -1 where there is none. Minus this process's CPU it is what other
     * processes took during a run: the benchmark shares the cores with whatever else runs.
     */
    static long machineBusyNanos() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(f[i]);
            }
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (Exception e) {
            return -1;
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Thread id to {cpu ns, allocated bytes, 1 if a client thread}. */
    static Map<Long, long[]> threadCounters() {
        return threadCounters(null);
    }

    static Map<Long, long[]> threadCounters(String onlyPrefix) {
        long[] ids = THREADS.getAllThreadIds();
        ThreadInfo[] infos = THREADS.getThreadInfo(ids);
        long[] cpu = THREADS.getThreadCpuTime(ids);
        long[] alloc = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, long[]> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            String name = infos[i].getThreadName();
            boolean client = name.startsWith(CLIENT_THREAD) || name.startsWith("HttpClient-");
            if (onlyPrefix != null && !name.startsWith(onlyPrefix)) {
                continue;
            }
            m.put(ids[i], new long[] {cpu[i], alloc[i], client ? 1 : 0});
        }
        return m;
    }

    static long processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    // ----- the clients -----

    /**
     * Client-side worker threads (the JDK HTTP client's executor, MIME download workers, replay
     * workers), named as the client's, kept alive for the whole benchmark: a thread that ended during
     * a run would take its CPU and allocation counters with it.
     */
    private static final ExecutorService CLIENT_POOL = new ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 1, TimeUnit.HOURS, new SynchronousQueue<>(), new ThreadFactory() {
                private final AtomicInteger n = new AtomicInteger();

                @Override
                public Thread newThread(Runnable r) {
                    Thread t = new Thread(r, CLIENT_THREAD + "-pool-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            });

    /** Discards MIME (the count comes from each item's {@code mimeBytes}); shared by all workers. */
    private static final OutputStream DISCARD = new OutputStream() {
        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    };

    static Work mailbridge(URI ews, int batch, int inFlight) {
        HttpClient http = HttpSettings.builder()
                .build()
                .newHttpClientBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(CLIENT_POOL)
                .build();
        EwsClient client = EwsProtocol.builder(ews)
                .httpClient(http)
                .build()
                .client(SignIn.basic(BasicCredential.of(EwsFixtures.NANCY, Secret.of(EwsFixtures.NANCY_PASSWORD))));
        return initialSync(client, b -> b.batchSize(batch).inFlight(inFlight).executor(CLIENT_POOL));
    }

    /**
     * The initial sync as Mailbridge's client does it (also graph-sync's EWS side): SyncFolderItems of
     * the inbox from no state, then MimeDownload of every created item (set up by {@code download}),
     * the MIME discarded.
     */
    static Work initialSync(EwsClient client, java.util.function.UnaryOperator<MimeDownload.Builder> download) {
        List<ItemId> ids = new ArrayList<>();
        int[] requests = {0};
        ItemSync.run(client, FolderRef.inbox(), null, (changes, state) -> {
            requests[0]++;
            for (ItemChange c : changes) {
                if (c instanceof ItemChange.Create create) {
                    ids.add(create.itemId());
                }
            }
        });
        MimeDownload.Result r =
                download.apply(MimeDownload.builder(client)).build().run(ids, id -> DISCARD);
        return new Work(r.items(), r.mimeBytes(), requests[0] + r.requests());
    }

    static Work ewsJavaApi(URI ews, int batch) throws Exception {
        try (ExchangeService service = new ExchangeService(ExchangeVersion.Exchange2010_SP2)) {
            service.setUrl(ews);
            service.setCredentials(new WebCredentials(EwsFixtures.NANCY, EwsFixtures.NANCY_PASSWORD));
            List<microsoft.exchange.webservices.data.property.complex.ItemId> ids = new ArrayList<>();
            String state = null;
            int requests = 0;
            ChangeCollection<microsoft.exchange.webservices.data.sync.ItemChange> page;
            do {
                page = service.syncFolderItems(
                        new FolderId(WellKnownFolderName.Inbox),
                        PropertySet.IdOnly,
                        null,
                        512,
                        SyncFolderItemsScope.NormalItems,
                        state);
                requests++;
                for (microsoft.exchange.webservices.data.sync.ItemChange c : page) {
                    ids.add(c.getItemId());
                }
                state = page.getSyncState();
            } while (page.getMoreChangesAvailable());
            PropertySet mime = new PropertySet(BasePropertySet.IdOnly, ItemSchema.MimeContent);
            long bytes = 0;
            for (int i = 0; i < ids.size(); i += batch) {
                ServiceResponseCollection<GetItemResponse> r =
                        service.bindToItems(ids.subList(i, Math.min(ids.size(), i + batch)), mime);
                requests++;
                for (GetItemResponse response : r) {
                    if (response.getResult() != ServiceResult.Success) {
                        throw new IllegalStateException(response.getErrorCode() + ": " + response.getErrorMessage());
                    }
                    bytes += response.getItem().getMimeContent().getContent().length;
                }
            }
            return new Work(ids.size(), bytes, requests);
        }
    }

    /**
     * The same requests as raw bytes on the JDK client, responses discarded (SyncFolderItems pages
     * are read as text for their SyncState). MIME bytes here are the GetItem response bytes.
     */
    static Work replay(EwsFixtures f, int batch, int inFlight) throws Exception {
        String auth = EwsFixtures.basic(EwsFixtures.NANCY, EwsFixtures.NANCY_PASSWORD);
        List<String> ids = new ArrayList<>();
        java.util.regex.Pattern itemId = java.util.regex.Pattern.compile("<t:ItemId Id=\"([^\"]+)\"");
        String state = null;
        int requests = 0;
        boolean last;
        do {
            String page = new String(f.post(EwsFixtures.syncRequest(state, 512), auth), StandardCharsets.UTF_8);
            requests++;
            java.util.regex.Matcher m = itemId.matcher(page);
            while (m.find()) {
                ids.add(m.group(1));
            }
            state = EwsFixtures.syncState(page);
            last = EwsFixtures.includesLast(page);
        } while (!last);
        // inFlight workers take the next batch as each finishes (as MimeDownload keeps them busy).
        int batches = (ids.size() + batch - 1) / batch;
        AtomicInteger next = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(inFlight, batches); w++) {
            workers.add(CLIENT_POOL.submit(() -> {
                for (int b; (b = next.getAndIncrement()) < batches; ) {
                    List<String> chunk = ids.subList(b * batch, Math.min(ids.size(), (b + 1) * batch));
                    bytes.addAndGet(f.postDiscarding(EwsFixtures.getMimeRequest(chunk), auth));
                }
                return null;
            }));
        }
        for (java.util.concurrent.Future<?> w : workers) {
            w.get();
        }
        return new Work(ids.size(), bytes.get(), requests + batches);
    }

    // ----- report -----

    static String report(Options o, String[] args, Map<String, List<Run>> runs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%nRun %s: `bench ews-sync %s`; JDK %s, %d cores; %d messages, GetItem batches of %d,"
                        + " %d in flight (mailbridge, replay; ews-java-api 1), %d warm-up and %d measured round(s),"
                        + " median round (by msg/s) shown, min–max beside it; others = CPU other processes took"
                        + " during that round, share of the machine.%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                String.join(" ", args),
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                o.messages(),
                o.batch(),
                o.inFlight(),
                o.warmup(),
                o.rounds()));
        b.append(
                "| client | msg/s | msg/s min–max | wall s | requests | MB received (MIME decoded; replay: response bytes) "
                        + "| client alloc KB/msg | client CPU µs/msg | server CPU µs/msg | server alloc KB/msg | process CPU µs/msg | of which JIT | of which GC | others |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, List<Run>> e : runs.entrySet()) {
            List<Run> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparingDouble(Run::perSecond));
            Run r = sorted.get(sorted.size() / 2);
            double n = r.messages();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f–%.0f | %.1f | %d | %.1f | %.1f | %.0f | %.0f | %.1f | %.0f | %.0f | %.0f | %.0f %% |%n",
                    e.getKey(),
                    r.perSecond(),
                    sorted.get(0).perSecond(),
                    sorted.get(sorted.size() - 1).perSecond(),
                    r.wallNanos() / 1e9,
                    r.requests(),
                    r.mimeBytes() / 1e6,
                    r.clientAlloc() / n / 1024,
                    r.clientCpu() / n / 1000,
                    r.serverCpu() / n / 1000,
                    r.serverAlloc() / n / 1024,
                    r.processCpu() / n / 1000,
                    r.jitCpu() / n / 1000,
                    r.gcCpu() / n / 1000,
                    r.othersShare() * 100));
        }
        List<Run> ours = runs.get("mailbridge");
        List<Run> peer = runs.get("ews-java-api");
        if (ours != null && peer != null) {
            // The same round's runs are seconds apart, so they share the machine's conditions.
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(ours.size(), peer.size()); i++) {
                ratios.add(ours.get(i).perSecond() / peer.get(i).perSecond());
            }
            List<Double> sorted = new ArrayList<>(ratios);
            sorted.sort(Comparator.naturalOrder());
            b.append(String.format(
                    Locale.ROOT,
                    "%nmailbridge / ews-java-api, msg/s in the same round: %s; median %.2fx%n",
                    String.join(
                            ", ",
                            ratios.stream()
                                    .map(x -> String.format(Locale.ROOT, "%.2fx", x))
                                    .toList()),
                    sorted.get(sorted.size() / 2)));
        }
        return b.toString();
    }
}
