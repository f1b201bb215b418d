package dev.mailbridge.identity.token;

/** Valid access tokens for one credential (one mailbox, or one app for app-only access). */
public interface TokenSource {

    /**
     * A token valid for a while yet: the cached one, or a new one if the cached one is missing, expiring soon
     * or past its refresh hint. However many threads call at once, one refresh runs and all share its result.
     *
     * @throws dev.mailbridge.identity.failure.SignInFailure when no token can be had
     */
    AccessToken token();

    /**
     * Refreshes now, whatever the cached token's age (joining a refresh already running). Schedulers call it
     * so that an idle mailbox's refresh token is used, and rotated, long before 90 days of inactivity.
     */
    AccessToken refreshNow();

    /**
     * Drops the cached token if it is {@code rejected} (a resource answered 401 to it), so the next
     * {@link #token()} gets a new one. Returns true if it was dropped (or already replaced).
     */
    boolean invalidate(String rejected);
}
