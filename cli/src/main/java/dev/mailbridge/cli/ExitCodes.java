package dev.mailbridge.cli;

/** The CLI's exit codes, documented in README.md; scripts may rely on them. */
public final class ExitCodes {
    /** Done. */
    public static final int OK = 0;
    /** Bad input: an unknown option, a missing value, an unknown profile, settings that do not validate. */
    public static final int USAGE = 1;
    /** Sign-in failed: Entra refused (AADSTS...), a wrong password, a mailbox not authorized. */
    public static final int AUTH = 2;
    /** Exchange, Microsoft Graph or Entra could not be reached: DNS, TLS, proxy, timeouts, a wrong URL. */
    public static final int CONNECTION = 3;
    /** Exchange answered with an error (EWS ResponseCode, SOAP fault, Microsoft Graph's error code, throttling). */
    public static final int EWS = 4;
    /** A local problem: a file that cannot be read or written, the CLI's state. */
    public static final int LOCAL = 5;
    /** Something Mailbridge did not expect (a bug; run with MAILBRIDGE_CLI_LOG=debug and report it). */
    public static final int SOFTWARE = 70;
    /** Stopped by Ctrl-C (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
