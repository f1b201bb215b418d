package dev.mailbridge.identity.credential;

import dev.mailbridge.identity.cloud.CloudProfile;
import java.util.Objects;
import java.util.Optional;

/**
 * An app registered in Entra ID, as a connection uses it: its cloud, tenant, client ID and, for a
 * confidential (web/daemon) app, its credential. Without a credential it is a public client (device code).
 *
 * @param tenant tenant GUID or verified domain; {@code organizations} is allowed for delegated sign-in only
 */
public record AppRegistration(
        CloudProfile cloud, String tenant, String clientId, Optional<ClientCredential> credential) {

    public AppRegistration {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(credential, "credential");
        if (tenant.isBlank() || clientId.isBlank()) {
            throw new IllegalArgumentException("The tenant and the client ID must be set");
        }
    }

    public static AppRegistration confidential(
            CloudProfile cloud, String tenant, String clientId, ClientCredential credential) {
        return new AppRegistration(cloud, tenant, clientId, Optional.of(credential));
    }

    public static AppRegistration publicClient(CloudProfile cloud, String tenant, String clientId) {
        return new AppRegistration(cloud, tenant, clientId, Optional.empty());
    }

    public boolean isConfidential() {
        return credential.isPresent();
    }

    public String authority() {
        return cloud.authority(tenant);
    }

    /** The same app signing in at another authority base (the emulator). */
    public AppRegistration withCloud(CloudProfile other) {
        return new AppRegistration(other, tenant, clientId, credential);
    }
}
