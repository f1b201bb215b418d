package dev.mailbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine;

/**
 * Runs CLI commands in-process, as {@code mailbridge ...} would, with a home folder of the test's own and
 * standard output and error captured.
 */
final class Cli {
    final Path home;
    final Map<String, String> env = new HashMap<>();

    Cli(Path home) {
        this.home = home;
        env.put(CliEnvironment.HOME, home.toString());
    }

    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Output.JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        /** Each line of standard output as JSON (streams). */
        List<JsonNode> jsonLines() {
            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.split("\n")) {
                if (!l.isBlank()) {
                    try {
                        lines.add(Output.JSON.readTree(l));
                    } catch (Exception e) {
                        throw new AssertionError("not a JSON line: " + l, e);
                    }
                }
            }
            return lines;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    Result run(String... args) {
        return runWithInput("", args);
    }

    /** With {@code stdin} as standard input (a piped secret). */
    Result runWithInput(String stdin, String... args) {
        return startWithInput(stdin, args).finish(Duration.ofSeconds(60));
    }

    Running start(String... args) {
        return startWithInput("", args);
    }

    Running startWithInput(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = MailbridgeCli.commandLine(
                CliEnvironment.of(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("cli " + String.join(" ", args)).start(() -> {
            try {
                exit.complete(cl.execute(args));
            } catch (Throwable e) {
                exit.completeExceptionally(e);
            }
        });
        return new Running(t, exit, out, err);
    }

    /** A command running on its own thread, its output readable while it runs. */
    record Running(Thread thread, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
        /** Waits until standard output or error satisfies {@code condition}. */
        String await(Predicate<String> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String both = out.toString() + err.toString();
                if (condition.test(both)) {
                    return both;
                }
                if (exit.isDone()) {
                    throw new AssertionError("the command ended first: " + finish(Duration.ofSeconds(1)));
                }
                Thread.sleep(50);
            }
            throw new AssertionError("timed out waiting; so far:\n" + out + "\n" + err);
        }

        /** The first JSON line on standard output that has {@code field} equal to {@code value}. */
        JsonNode awaitJson(String field, String value, Duration timeout) throws Exception {
            await(s -> find(field, value) != null, timeout);
            return find(field, value);
        }

        private JsonNode find(String field, String value) {
            for (String l : out.toString().split("\n")) {
                if (l.startsWith("{")) {
                    try {
                        JsonNode j = Output.JSON.readTree(l);
                        if (value.equals(j.path(field).asText())) {
                            return j;
                        }
                    } catch (Exception partial) {
                        // a line still being written
                    }
                }
            }
            return null;
        }

        Result finish(Duration timeout) {
            try {
                int code = exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return new Result(code, out.toString(), err.toString());
            } catch (Exception e) {
                thread.interrupt();
                throw new AssertionError("the command did not end: " + out + "\n" + err, e);
            }
        }

        Result interrupt() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
            return finish(Duration.ofSeconds(10));
        }
    }
}
