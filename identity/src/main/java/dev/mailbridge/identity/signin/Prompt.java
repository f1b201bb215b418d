package dev.mailbridge.identity.signin;

/** The {@code prompt} parameter of the sign-in URL. */
public enum Prompt {
    /** Always ask for credentials, even with a session. */
    LOGIN,
    /** Show the consent screen even if consent was given. */
    CONSENT,
    /** Let the user pick the account: right for authorizing a mailbox other than one's own session. */
    SELECT_ACCOUNT,
    /** No interaction; fails with interaction_required or login_required if any is needed. */
    NONE
}
