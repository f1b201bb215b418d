package dev.mailbridge.identity.signin;

import dev.mailbridge.identity.token.AccessToken;
import java.util.Optional;
import java.util.Set;

/**
 * The result of a completed delegated sign-in; its refresh token is already in the
 * {@link dev.mailbridge.identity.token.RefreshTokenStore} under {@code accountKey}.
 *
 * @param username the signed-in user's name (UPN / preferred_username), usually the mailbox address
 * @param tenantId the user's tenant GUID, from the ID token, when known
 */
public record SignedInAccount(
        String accountKey,
        String username,
        Optional<String> tenantId,
        Set<String> grantedScopes,
        AccessToken accessToken) {}
