package dev.mailbridge.core.model;

import dev.mailbridge.identity.cloud.Cloud;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A connection as stored, without its secrets: those stay sealed in the store and are only ever
 * opened to sign in ({@link dev.mailbridge.core.store.ConnectionStore#secrets}). The {@code has*}
 * flags tell the UI that a secret is set without revealing it.
 *
 * @param graphUrl the Microsoft Graph root ({@code https://graph.microsoft.com/v1.0} style); empty for
 *     the cloud's own
 * @param settingsGeneration bumped whenever a setting that tokens depend on changes; a mailbox
 *     authorized under an older generation must be authorized again
 */
public record Connection(
        UUID id,
        UUID organisationId,
        String name,
        Transport transport,
        SignInMode signInMode,
        Cloud cloud,
        HostMode hostMode,
        Optional<String> ewsUrl,
        Optional<String> graphUrl,
        Optional<String> approvedHosts,
        Optional<String> loginAuthority,
        Optional<String> tenantId,
        Optional<String> clientId,
        boolean hasClientSecret,
        boolean hasCertificate,
        Optional<Instant> certificateExpiresAt,
        Optional<String> username,
        boolean hasPassword,
        Optional<String> proxyHost,
        Optional<Integer> proxyPort,
        Optional<String> proxyUsername,
        boolean hasProxyPassword,
        Optional<String> noProxy,
        Optional<String> trustedCaPem,
        int settingsGeneration,
        Instant createdAt,
        Instant updatedAt) {}
