package dev.mailbridge.bench;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Token-endpoint load benchmark: the Mailbridge emulator against navikt's mock-oauth2-server, in
 * one run, same client, same grants. Prints a markdown table; {@code --out} also writes it to a file.
 * Exits 1 when any scenario saw an error or could not run, so numbers from error responses are
 * never taken for real ones.
 */
public final class BenchMain {
    static final String EMULATOR = "emulator";
    static final String PEER = "peer";
    static final String PEER_NETTY = "peer-netty";
    static final String CLIENT_CREDENTIALS = "client_credentials";
    static final String REFRESH = "refresh_token";

    record Options(
            int threads,
            Duration warmup,
            Duration duration,
            int rounds,
            Path out,
            List<String> servers,
            List<String> transports,
            List<String> grants) {}

    private BenchMain() {}

    /**
     * A command's options from {@code parse} (which answers null for --help): null once the usage was
     * printed for --help; wrong options print what is wrong and the usage, and exit with status 2.
     */
    static <O> O optionsOrUsage(String[] args, java.util.function.Function<String[], O> parse, String usage) {
        O o;
        try {
            o = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return null;
        }
        if (o == null) {
            System.out.println(usage);
        }
        return o;
    }

    /** Prints a command's report, and writes it to {@code out} too when one was given. */
    static void report(String report, Path out) throws java.io.IOException {
        System.out.print(report);
        if (out != null) {
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.err.println("bench: wrote " + out.toAbsolutePath());
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "ews-parse" -> {
                    EwsParse.main(rest);
                    return;
                }
                case "ews-sync" -> {
                    EwsSync.main(rest);
                    return;
                }
                case "graph-sync" -> {
                    GraphSync.main(rest);
                    return;
                }
                case "pipeline" -> {
                    PipelineBench.main(rest);
                    return;
                }
                case "token" -> args = rest;
                default -> {}
            }
        }
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        List<Result> results = runRounds(options, System.err);
        String report = report(options, args, results);
        System.out.print(report);
        if (options.out() != null) {
            Path out = options.out().toAbsolutePath();
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.err.println("bench: wrote " + out);
        }
        boolean allOk = results.stream().allMatch(Result::ok);
        System.exit(allOk ? 0 : 1);
    }

    /**
     * Runs every row {@code rounds} times, a whole round after another (so a disturbance hits all
     * servers alike), and keeps per row the round with the median requests/s, its spread, and the
     * errors of all rounds.
     */
    static List<Result> runRounds(Options options, PrintStream progress) {
        List<List<Result>> rounds = new ArrayList<>();
        for (int round = 1; round <= options.rounds(); round++) {
            if (options.rounds() > 1) {
                progress.printf(Locale.ROOT, "bench: round %d of %d%n", round, options.rounds());
            }
            rounds.add(run(options, progress));
        }
        List<Result> merged = new ArrayList<>();
        for (int row = 0; row < rounds.get(0).size(); row++) {
            List<Result> runs = new ArrayList<>();
            for (List<Result> round : rounds) {
                runs.add(round.get(row));
            }
            merged.add(Result.median(runs));
        }
        return merged;
    }

    static List<Result> run(Options options, PrintStream progress) {
        List<Result> results = new ArrayList<>();
        LoadRunner runner = new LoadRunner(options.warmup(), options.duration());
        progress.printf(
                Locale.ROOT,
                "bench: %d threads, warm-up %s, measured %s per scenario; JDK %s, %d cores%n",
                options.threads(),
                format(options.warmup()),
                format(options.duration()),
                Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        for (String server : options.servers()) {
            if (server.equals(EMULATOR)) {
                String name = "Mailbridge emulator";
                EmulatorTarget target;
                try {
                    target = EmulatorTarget.start();
                } catch (Exception | LinkageError e) {
                    progress.println("bench: the emulator did not start: " + LoadRunner.describe(e));
                    for (String transport : options.transports()) {
                        for (String grant : options.grants()) {
                            results.add(Result.failed(
                                    name, transport, grant, options.threads(), "did not start: " + e.getMessage()));
                        }
                    }
                    continue;
                }
                try (target) {
                    for (String transport : options.transports()) {
                        runGrants(target, transport, options, runner, results, progress);
                    }
                }
            } else {
                for (String transport : options.transports()) {
                    PeerTarget target;
                    boolean netty = server.equals(PEER_NETTY);
                    try {
                        target = PeerTarget.start(transport.equals("https"), netty);
                    } catch (Exception | LinkageError e) {
                        progress.println("bench: the peer did not start: " + LoadRunner.describe(e));
                        for (String grant : options.grants()) {
                            results.add(Result.failed(
                                    netty ? PeerTarget.NETTY_NAME : PeerTarget.NAME,
                                    transport,
                                    grant,
                                    options.threads(),
                                    "did not start: " + e.getMessage()));
                        }
                        continue;
                    }
                    try (target) {
                        runGrants(target, transport, options, runner, results, progress);
                    }
                }
            }
        }
        return results;
    }

    private static void runGrants(
            Target target,
            String transport,
            Options options,
            LoadRunner runner,
            List<Result> results,
            PrintStream progress) {
        for (String grant : options.grants()) {
            Result result;
            try {
                Scenario scenario = grant.equals(CLIENT_CREDENTIALS)
                        ? target.clientCredentials(transport, options.threads())
                        : target.refresh(transport, options.threads());
                System.gc();
                result = runner.run(scenario);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = Result.failed(target.name(), transport, grant, options.threads(), "interrupted");
            } catch (Exception | LinkageError e) {
                result = Result.failed(
                        target.name(), transport, grant, options.threads(), "setup failed: " + LoadRunner.describe(e));
            }
            results.add(result);
            progress.printf(
                    Locale.ROOT,
                    "bench: %-26s %-5s %-18s %6.0f req/s  p50 %6.2f ms  p99 %6.2f ms  server %5.0f µs/req"
                            + "  CPU %3.0f%% (machine %3.0f%%)  errors %d%s%n",
                    result.server(),
                    result.transport(),
                    result.grant(),
                    result.requestsPerSecond(),
                    result.p50Millis(),
                    result.p99Millis(),
                    result.serverMicrosPerRequest(),
                    result.processCpuShare() * 100,
                    result.machineCpuShare() * 100,
                    Math.max(0, result.errors()),
                    result.firstError() == null ? "" : "  (first: " + result.firstError() + ")");
        }
    }

    static String report(Options options, String[] args, List<Result> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Run %s: `BenchMain %s`; JDK %s (%s), %d cores shared by client and servers; %d threads,"
                        + " warm-up %s, measured %s per row, %d round(s) (median round shown).%n%n",
                ZonedDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                String.join(" ", args),
                Runtime.version(),
                System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(),
                options.threads(),
                format(options.warmup()),
                format(options.duration()),
                options.rounds()));
        out.append(table(results));
        List<String> notes = new ArrayList<>();
        for (Result r : results) {
            if (r.firstError() != null) {
                notes.add(String.format(
                        Locale.ROOT,
                        "- %s %s %s: %s",
                        r.server(),
                        r.transport(),
                        r.grant(),
                        r.firstError().replace('|', '/')));
            }
        }
        if (!notes.isEmpty()) {
            out.append(System.lineSeparator()).append("First error per row:").append(System.lineSeparator());
            notes.forEach(n -> out.append(n).append(System.lineSeparator()));
        }
        return out.toString();
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        String nl = System.lineSeparator();
        out.append(
                        "| server | transport | grant | threads | req/s | req/s min–max | p50 ms | p90 ms | p99 ms | requests"
                                + " | errors"
                                + " | server CPU µs/req | client CPU µs/req | CPU busy: bench / machine |")
                .append(nl);
        out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
                .append(nl);
        for (Result r : results) {
            if (r.errors() < 0) {
                out.append(String.format(
                                Locale.ROOT,
                                "| %s | %s | %s | %d | not run | | | | | | | | | |",
                                r.server(),
                                r.transport(),
                                r.grant(),
                                r.threads()))
                        .append(nl);
                continue;
            }
            out.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %d | %.0f | %.0f–%.0f | %.2f | %.2f | %.2f | %d | %d | %.0f | %.0f | %.0f%% / %.0f%% |",
                            r.server(),
                            r.transport(),
                            r.grant(),
                            r.threads(),
                            r.requestsPerSecond(),
                            r.minRequestsPerSecond(),
                            r.maxRequestsPerSecond(),
                            r.p50Millis(),
                            r.p90Millis(),
                            r.p99Millis(),
                            r.requests(),
                            r.errors(),
                            r.serverMicrosPerRequest(),
                            r.clientMicrosPerRequest(),
                            r.processCpuShare() * 100,
                            r.machineCpuShare() * 100))
                    .append(nl);
        }
        return out.toString();
    }

    static Options parse(String[] args) {
        int threads = 4;
        Duration warmup = Duration.ofSeconds(5);
        Duration duration = Duration.ofSeconds(10);
        int rounds = 1;
        Path out = null;
        List<String> servers = List.of(EMULATOR, PEER, PEER_NETTY);
        List<String> transports = List.of("http", "https");
        List<String> grants = List.of(CLIENT_CREDENTIALS, REFRESH);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--threads" -> {
                    threads = Integer.parseInt(value != null ? value : next(args, ++i, arg));
                    if (threads < 1 || threads > 256) {
                        throw new IllegalArgumentException("--threads must be between 1 and 256");
                    }
                }
                case "--warmup" -> warmup = duration(value != null ? value : next(args, ++i, arg));
                case "--duration" -> duration = duration(value != null ? value : next(args, ++i, arg));
                case "--rounds" -> {
                    rounds = Integer.parseInt(value != null ? value : next(args, ++i, arg));
                    if (rounds < 1 || rounds > 10) {
                        throw new IllegalArgumentException("--rounds must be between 1 and 10");
                    }
                }
                case "--out" -> out = Path.of(value != null ? value : next(args, ++i, arg));
                case "--servers" ->
                    servers = list(value != null ? value : next(args, ++i, arg), arg, EMULATOR, PEER, PEER_NETTY);
                case "--transports" ->
                    transports = list(value != null ? value : next(args, ++i, arg), arg, "http", "https");
                case "--grants" ->
                    grants = list(value != null ? value : next(args, ++i, arg), arg, CLIENT_CREDENTIALS, REFRESH);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (duration.isZero() || duration.isNegative() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--duration must be more than 0 and at most 10m");
        }
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--warmup must be between 0 and 10m");
        }
        return new Options(threads, warmup, duration, rounds, out, servers, transports, grants);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static List<String> list(String value, String option, String... allowed) {
        List<String> items = Arrays.stream(value.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        for (String item : items) {
            if (!Arrays.asList(allowed).contains(item)) {
                throw new IllegalArgumentException(option + " takes " + String.join(", ", allowed) + "; not " + item);
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(option + " needs at least one value");
        }
        return items;
    }

    /** Parses 500ms, 5s, 2m or a plain number of seconds. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (use e.g. 500ms, 5s, 1m)");
        }
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }

    static String usage() {
        return """
                Usage: ./mailbridge bench [token] [options]
                       ./mailbridge bench ews-parse [options]   (EWS response parsing, JMH; --help)
                       ./mailbridge bench ews-sync [options]    (initial sync from the emulator; --help)
                       ./mailbridge bench graph-sync [--messages N] [--page N] [--rounds N]  (Graph vs EWS)
                       ./mailbridge bench pipeline [options]    (arrival to webhook, ingest, scale; --help)

                Load on the token endpoint: the Mailbridge emulator and navikt's mock-oauth2-server
                (the named peer), in-process on loopback, in one run; client_credentials and
                refresh_token grants, over HTTP and HTTPS, each worker on its own HTTP/1.1 client
                (keep-alive where the server allows it).

                  --threads N          concurrent workers, each with its own HTTP/1.1 client (default 4)
                  --warmup D           warm-up per scenario, not measured (default 5s)
                  --duration D         measured time per scenario (default 10s; at most 10m)
                  --rounds N           run all rows N times, one round after another, and show
                                       per row the round with the median req/s (default 1)
                  --servers LIST       emulator,peer,peer-netty (default all three); peer is
                                       mock-oauth2-server on MockWebServer (its embedded default,
                                       keep-alive), peer-netty on Netty (its standalone server,
                                       which closes the connection after every answer)
                  --transports LIST    http,https (default both)
                  --grants LIST        client_credentials,refresh_token (default both)
                  --out FILE           also write the markdown report to FILE
                  -h, --help           this help

                Durations: 500ms, 5s, 1m. Exit status 1 when any row saw an error or did not run.
                """;
    }
}
