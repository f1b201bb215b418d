package dev.mailbridge.cli;

import java.util.Optional;

/** A failure the CLI explains itself: what is wrong, what to do, and the exit code. */
public final class CliException extends RuntimeException {
    private final int exitCode;
    private final String fix;
    private final Optional<String> code;

    public CliException(int exitCode, String message, String fix) {
        this(exitCode, message, fix, Optional.empty());
    }

    public CliException(int exitCode, String message, String fix, Optional<String> code) {
        super(message);
        this.exitCode = exitCode;
        this.fix = fix;
        this.code = code;
    }

    public int exitCode() {
        return exitCode;
    }

    public String fix() {
        return fix;
    }

    public Optional<String> code() {
        return code;
    }
}
