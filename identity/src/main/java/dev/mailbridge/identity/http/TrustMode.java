package dev.mailbridge.identity.http;

/** How extra CA certificates combine with the JDK's own trust store. */
public enum TrustMode {
    /** Trust the JDK's CAs and the extra ones: the usual case for a TLS-inspecting corporate proxy. */
    ADD_TO_JDK_DEFAULTS,
    /** Trust only the extra CAs: pins the connection to a private PKI (or the emulator). */
    REPLACE_JDK_DEFAULTS
}
