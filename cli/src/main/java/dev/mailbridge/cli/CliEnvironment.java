package dev.mailbridge.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What the CLI takes from the process: environment variables, standard input, the console (absent when
 * input or output is redirected) and whether standard error is a terminal (for the progress bar). Tests
 * give their own, so every command runs in-process against a temporary home.
 */
public record CliEnvironment(Map<String, String> env, InputStream stdin, Optional<Console> console, boolean tty) {
    public static final String HOME = "MAILBRIDGE_CLI_HOME";
    public static final String MASTER_KEY = "MAILBRIDGE_CLI_MASTER_KEY";

    public CliEnvironment {
        env = Map.copyOf(env);
    }

    /** The real process: System.getenv, System.in, and the console when it is a terminal. */
    public static CliEnvironment system() {
        Console console = System.console();
        boolean terminal = isTerminal(console);
        return new CliEnvironment(
                System.getenv(), System.in, terminal ? Optional.of(console) : Optional.empty(), terminal);
    }

    /**
     * Since JDK 22 {@code System.console()} is there even when the streams are redirected, and {@code
     * Console.isTerminal()} (not in Java 21's API, hence reflection) tells; on 21 a console is a terminal.
     */
    static boolean isTerminal(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** A non-interactive environment (no console, no terminal): scripts and tests. */
    public static CliEnvironment of(Map<String, String> env, InputStream stdin) {
        return new CliEnvironment(env, stdin, Optional.empty(), false);
    }

    /** Where the CLI keeps its state: {@code MAILBRIDGE_CLI_HOME}, else {@code ~/.mailbridge/cli}. */
    public Path home() {
        String h = env.get(HOME);
        if (h != null && !h.isBlank()) {
            return Path.of(h).toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".mailbridge", "cli");
    }

    public Optional<String> variable(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    /**
     * A secret: typed at the console without echo, or else the first line of standard input (so {@code
     * printf '%s\n' "$SECRET" | mailbridge login ...} works and the secret never sits in argv).
     */
    public Optional<String> readSecret(String prompt) {
        if (console.isPresent()) {
            char[] typed = console.get().readPassword("%s", prompt);
            return typed == null || typed.length == 0 ? Optional.empty() : Optional.of(new String(typed));
        }
        try {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = stdin.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            String s =
                    new String(line.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }
}
