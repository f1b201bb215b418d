package dev.mailbridge.identity.token;

import dev.mailbridge.identity.Secret;
import java.util.Optional;

/**
 * Where refresh tokens live between uses; the server implements it over its encrypted vault. Entra rotates
 * the refresh token on every use and only the newest one extends the 90-day window, so {@link #save} is
 * called after every successful redemption and must persist before returning.
 *
 * <p>{@code accountKey} is the caller's own key for the authorized mailbox (e.g. its database ID), chosen
 * when the sign-in starts.
 */
public interface RefreshTokenStore {

    Optional<Secret> load(String accountKey);

    void save(String accountKey, Secret refreshToken);
}
