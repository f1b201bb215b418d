package dev.mailbridge.bench;

import dev.mailbridge.ews.EwsClient;
import dev.mailbridge.ews.EwsProtocol;
import dev.mailbridge.ews.SignIn;
import dev.mailbridge.graph.DeltaPage;
import dev.mailbridge.graph.GraphClient;
import dev.mailbridge.graph.GraphProtocol;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.cloud.Cloud;
import dev.mailbridge.identity.cloud.CloudProfile;
import dev.mailbridge.identity.credential.AppRegistration;
import dev.mailbridge.identity.credential.ClientCredential;
import dev.mailbridge.identity.entra.EntraTokens;
import dev.mailbridge.identity.http.HttpSettings;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench graph-sync}: the initial sync of one mailbox from the emulator over loopback (plain
 * HTTP, app-only OAuth on the contoso tenant), Mailbridge's Graph client against its EWS client on
 * the same emulator and mailbox. Graph: {@code messages/delta} ({@code --page} per page, default
 * 1000) then {@code $value} per message, 4 in flight (Graph's per-mailbox limit). EWS:
 * SyncFolderItems (512 per page) then GetItem with MIME, batches of 10, 4 in flight (as ews-sync).
 */
final class GraphSync {
    static final String ADELE = "adele.vance@contoso.onmicrosoft.com";
    static final String WEB_APP = "c0a7c0a7-0000-4000-8000-0000000000a1";
    static final String WEB_APP_SECRET = "Mbr8Q~emulator.web.app.secret.value.0001";
    /** Never closed by the Graph client; each EWS item gets its own (MimeDownload closes them). */
    private static final OutputStream DISCARD = OutputStream.nullOutputStream();

    record Work(String client, int messages, long mimeBytes, int requests, long wallNanos) {
        String line() {
            double s = wallNanos / 1e9;
            return String.format(
                    Locale.ROOT,
                    "%-6s %7d messages %9.1f MB %6d requests %7.2f s %8.0f msg/s",
                    client,
                    messages,
                    mimeBytes / 1e6,
                    requests,
                    s,
                    messages / s);
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = 20_000;
        int page = 1000;
        int rounds = 2;
        String usage =
                "Usage: bench graph-sync [--messages N (20000)] [--page N (1000)] [--rounds N (2; the first is a warm-up)]";
        if (java.util.Arrays.asList(args).contains("--help")
                || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(usage);
            return;
        }
        if (args.length % 2 != 0) {
            System.err.println("bench: missing value for " + args[args.length - 1] + "\n" + usage);
            System.exit(2);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--page" -> page = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default ->
                    throw new IllegalArgumentException(
                            "Unknown option " + args[i] + "; use --messages N --page N --rounds N");
            }
        }
        try (EwsFixtures f = EwsFixtures.start()) {
            System.out.printf(Locale.ROOT, "Delivering %d messages to %s ...%n", messages, ADELE);
            f.fill(ADELE, messages, 42);
            HttpSettings http =
                    HttpSettings.builder().trustPem(f.emulator.caCertificate()).build();
            CloudProfile cloud = Cloud.GLOBAL.profile().withAuthorityBase(f.emulator.loginUrl());
            AppRegistration app = AppRegistration.confidential(
                    cloud, "contoso.onmicrosoft.com", WEB_APP, ClientCredential.secret(Secret.of(WEB_APP_SECRET)));
            URI base = f.emulator.httpUrl().orElseThrow();
            GraphClient graph = GraphProtocol.builder(URI.create(base + "/v1.0"))
                    .httpSettings(http)
                    .build()
                    .appOnly(EntraTokens.appOnly(app, cloud.graphAppScope(), http), ADELE);
            EwsClient ews = EwsProtocol.builder(URI.create(base + "/EWS/Exchange.asmx"))
                    .httpSettings(http)
                    .build()
                    .client(SignIn.appOnly(EntraTokens.appOnly(app, cloud.ewsAppScope(), http), ADELE));
            for (int round = 1; round <= rounds; round++) {
                System.out.println("round " + round + (round == 1 && rounds > 1 ? " (warm-up)" : ""));
                System.out.println(graph(graph, page).line());
                System.out.println(ews(ews).line());
            }
        }
    }

    static Work graph(GraphClient client, int pageSize) throws Exception {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        AtomicInteger requests = new AtomicInteger();
        client.syncFolder("inbox", null, pageSize, (DeltaPage p) -> {
            requests.incrementAndGet();
            p.changes().stream().filter(c -> !c.removed()).forEach(c -> ids.add(c.id()));
        });
        AtomicLong bytes = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(GraphProtocol.MAX_CONCURRENT_PER_MAILBOX)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < GraphProtocol.MAX_CONCURRENT_PER_MAILBOX; w++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < ids.size(); ) {
                        bytes.addAndGet(client.downloadMime(ids.get(i), DISCARD));
                        requests.incrementAndGet();
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        }
        return new Work("graph", ids.size(), bytes.get(), requests.get(), System.nanoTime() - start);
    }

    static Work ews(EwsClient client) {
        long start = System.nanoTime();
        EwsSync.Work w = EwsSync.initialSync(client, b -> b);
        return new Work("ews", w.messages(), w.mimeBytes(), w.requests(), System.nanoTime() - start);
    }
}
