package dev.mailbridge.identity.cloud;

import java.net.URI;
import java.util.Objects;

/**
 * Everything that changes together when a tenant lives in another Microsoft cloud: the sign-in
 * (authority) host, the EWS endpoint and Exchange resource, the Graph root, the IMAP/SMTP hosts, and the
 * scopes built from them. Tokens never cross clouds, so a connection carries one profile for all of them.
 *
 * <p>{@link #withAuthorityBase(URI)} points the sign-in at another base URL (the emulator) and keeps the
 * rest, so scopes and audiences stay the real cloud's.
 *
 * @param id short name: global, usgov-high, usgov-dod, china
 * @param authorityBase sign-in base URL, scheme and host (and port), no tenant, no trailing slash
 * @param ewsUrl the EWS endpoint
 * @param exchangeResource Exchange Online's resource (token audience) for EWS and app-only IMAP/POP/SMTP
 * @param outlookDelegatedResource the resource Microsoft documents for delegated IMAP/POP/SMTP scopes
 * @param graphRoot Microsoft Graph's root (and resource)
 * @param exchangeResourceVerified false where only third-party sources name the Exchange resource
 */
public record CloudProfile(
        String id,
        String displayName,
        URI authorityBase,
        URI ewsUrl,
        String exchangeResource,
        String outlookDelegatedResource,
        URI graphRoot,
        String imapHost,
        String smtpHost,
        boolean exchangeResourceVerified) {

    public CloudProfile {
        Objects.requireNonNull(id, "id");
        authorityBase = stripTrailingSlash(Objects.requireNonNull(authorityBase, "authorityBase"));
        if (!"https".equalsIgnoreCase(authorityBase.getScheme())) {
            // MSAL refuses anything else, and a token endpoint over plain HTTP would leak credentials.
            throw new IllegalArgumentException("The authority must be an https URL: " + authorityBase);
        }
    }

    /** The same cloud, signing in at {@code base} instead (e.g. the emulator, https://localhost:8443). */
    public CloudProfile withAuthorityBase(URI base) {
        return new CloudProfile(
                id,
                displayName,
                base,
                ewsUrl,
                exchangeResource,
                outlookDelegatedResource,
                graphRoot,
                imapHost,
                smtpHost,
                exchangeResourceVerified);
    }

    /** The MSAL authority for a tenant (GUID, domain, organizations or common), with trailing slash. */
    public String authority(String tenant) {
        return authorityBase + "/" + Objects.requireNonNull(tenant, "tenant") + "/";
    }

    /** True when the authority is not one of Microsoft's own hosts, so MSAL must not run instance discovery there. */
    public boolean customAuthority() {
        return Cloud.byLoginHost(authorityBase.getHost()).isEmpty();
    }

    /** App-only EWS: {@code https://outlook.office365.com/.default} (role full_access_as_app). */
    public String ewsAppScope() {
        return exchangeResource + "/.default";
    }

    /** Delegated EWS: {@code https://outlook.office365.com/EWS.AccessAsUser.All}. */
    public String ewsDelegatedScope() {
        return exchangeResource + "/EWS.AccessAsUser.All";
    }

    /** App-only Graph: {@code https://graph.microsoft.com/.default}. */
    public String graphAppScope() {
        return graphRoot + "/.default";
    }

    /** A delegated Graph permission, e.g. {@code graphScope("Mail.ReadWrite")}. */
    public String graphScope(String permission) {
        return graphRoot + "/" + permission;
    }

    /** Delegated IMAP: {@code https://outlook.office.com/IMAP.AccessAsUser.All}. */
    public String imapDelegatedScope() {
        return outlookDelegatedResource + "/IMAP.AccessAsUser.All";
    }

    /** Delegated SMTP AUTH: {@code https://outlook.office.com/SMTP.Send}. */
    public String smtpDelegatedScope() {
        return outlookDelegatedResource + "/SMTP.Send";
    }

    /** App-only IMAP, POP and SMTP all use Exchange's {@code .default}. */
    public String mailProtocolsAppScope() {
        return exchangeResource + "/.default";
    }

    private static URI stripTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }
}
