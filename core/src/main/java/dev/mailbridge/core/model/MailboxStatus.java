package dev.mailbridge.core.model;

/** Where a mailbox's sign-in stands, as the UI shows it. */
public enum MailboxStatus {
    NOT_AUTHORIZED("Not authorized", "Press Authorize and sign in as the mailbox (or the app's admin)."),
    AUTHORIZED("Authorized", ""),
    EXPIRING(
            "Expiring",
            "The sign-in will lapse soon unless it is refreshed; Mailbridge keeps trying. Re-authorize if this stays."),
    REAUTHORIZATION_REQUIRED("Re-authorization required", "Press Re-authorize and sign in again."),
    REVOKED("Revoked", "The user's sign-in was revoked at Microsoft. Press Re-authorize and sign in again."),
    FAILING("Failing", "The last attempt failed; see the history for the reason and what to fix.");

    private final String label;
    private final String advice;

    MailboxStatus(String label, String advice) {
        this.label = label;
        this.advice = advice;
    }

    public String label() {
        return label;
    }

    public String advice() {
        return advice;
    }

    /** True when the mailbox needs a person to sign in again. */
    public boolean needsSignIn() {
        return this == NOT_AUTHORIZED || this == REAUTHORIZATION_REQUIRED || this == REVOKED;
    }
}
