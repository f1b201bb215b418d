package dev.mailbridge.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bench ews-parse}: captures the responses from the emulator once, then runs {@link
 * EwsParseBenchmark} under JMH with the GC profiler and prints a markdown table.
 */
final class EwsParse {
    record Options(int forks, int warmups, int iterations, String time, Path fixtures, Path out, String include) {}

    private EwsParse() {}

    static String usage() {
        return """
                Usage: bench ews-parse [--forks N] [--warmups N] [--iterations N] [--time D] [--fixtures DIR]
                                       [--only REGEX] [--out FILE]
                  JMH, average time per parse, GC profiler (bytes allocated per parse). Defaults: 2 forks,
                  3 warm-up and 5 measured iterations of 1s each (about 3 minutes). --fixtures: where the
                  captured responses go (default target/ews-fixtures; reused when present).""";
    }

    static Options parse(String[] args) {
        int forks = 2;
        int warmups = 3;
        int iterations = 5;
        String time = "1s";
        Path fixtures = Path.of("target", "ews-fixtures");
        Path out = null;
        String include = null;
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
                case "--forks" -> forks = Integer.parseInt(v);
                case "--warmups" -> warmups = Integer.parseInt(v);
                case "--iterations" -> iterations = Integer.parseInt(v);
                case "--time" -> time = v;
                case "--fixtures" -> fixtures = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--only" -> include = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new Options(forks, warmups, iterations, time, fixtures, out, include);
    }

    static void main(String[] args) throws Exception {
        Options o = BenchMain.optionsOrUsage(args, EwsParse::parse, usage());
        if (o == null) {
            return;
        }
        Path fixtures = o.fixtures().toAbsolutePath();
        if (!EwsFixtures.ALL.stream().allMatch(f -> Files.isRegularFile(fixtures.resolve(f + ".xml")))) {
            System.err.println("bench: capturing EWS responses from the emulator into " + fixtures);
            EwsFixtures.capture(fixtures, 1000);
        }
        ChainedOptionsBuilder jmh = new OptionsBuilder()
                .include(EwsParseBenchmark.class.getName() + "." + (o.include() == null ? "" : o.include()))
                .forks(o.forks())
                .warmupIterations(o.warmups())
                .warmupTime(TimeValue.fromString(o.time()))
                .measurementIterations(o.iterations())
                .measurementTime(TimeValue.fromString(o.time()))
                .addProfiler(GCProfiler.class)
                .jvmArgsAppend("-D" + EwsParseBenchmark.FIXTURES + "=" + fixtures);
        Collection<RunResult> results = new Runner(jmh.build()).run();
        String report = report(args, fixtures, results);
        System.out.print(report);
        if (o.out() != null) {
            Files.writeString(o.out(), report, StandardCharsets.UTF_8);
            System.err.println("bench: wrote " + o.out().toAbsolutePath());
        }
    }

    static String report(String[] args, Path fixtures, Collection<RunResult> results) throws Exception {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%nRun %s: `bench ews-parse %s`; JDK %s, %d cores.%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                String.join(" ", args),
                Runtime.version(),
                Runtime.getRuntime().availableProcessors()));
        b.append(
                "| response | bytes | parser | µs/op (± 99.9 %) | MB/s | alloc B/op | vs StAX floor | ews-java-api / this |\n");
        b.append("|---|---:|---|---:|---:|---:|---:|---:|\n");
        Map<String, Map<String, double[]>> byResponse = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (RunResult r : results) {
            String response = r.getParams().getParam("response");
            String method = r.getParams()
                    .getBenchmark()
                    .substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
            Result<?> primary = r.getPrimaryResult();
            double alloc = Double.NaN;
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    alloc = e.getValue().getScore();
                }
            }
            if (!byResponse.containsKey(response)) {
                order.add(response);
            }
            byResponse
                    .computeIfAbsent(response, k -> new HashMap<>())
                    .put(method, new double[] {primary.getScore(), primary.getScoreError(), alloc});
        }
        for (String response : order) {
            long size = Files.size(fixtures.resolve(response + ".xml"));
            Map<String, double[]> rows = byResponse.get(response);
            double[] floor = rows.get("staxFloor");
            double[] peer = rows.get("ewsJavaApi");
            for (String method : List.of("mailbridge", "ewsJavaApi", "staxFloor")) {
                double[] row = rows.get(method);
                if (row == null) {
                    continue;
                }
                String name = switch (method) {
                    case "mailbridge" -> "Mailbridge";
                    case "ewsJavaApi" -> "ews-java-api 2.0";
                    default -> "bare Woodstox pass";
                };
                b.append(String.format(
                        Locale.ROOT,
                        "| %s | %,d | %s | %.1f ± %.1f | %.0f | %,.0f | %s | %s |%n",
                        response,
                        size,
                        name,
                        row[0],
                        row[1],
                        size / row[0],
                        row[2],
                        floor == null ? "" : String.format(Locale.ROOT, "%.2fx", row[0] / floor[0]),
                        peer == null || method.equals("ewsJavaApi")
                                ? ""
                                : String.format(Locale.ROOT, "%.1fx", peer[0] / row[0])));
            }
        }
        return b.toString();
    }
}
