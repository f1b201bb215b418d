package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.HostMode;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.core.model.Transport;
import dev.mailbridge.identity.Pem;
import dev.mailbridge.identity.Secret;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a connection's settings before anything is saved, with a message per field that says what to
 * enter. Required fields depend on the sign-in mode, as in the vendor guides.
 */
final class ConnectionValidator {
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN =
            Pattern.compile("(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}");

    private final Clock clock;
    private final Variables variables;

    ConnectionValidator(Clock clock, Variables variables) {
        this.clock = clock;
        this.variables = variables;
    }

    /**
     * The certificate's expiry when one was given and is valid; errors are added to {@code errors}, at
     * most one per field. Fields holding {@code ${env:NAME}} are checked with the variable's value.
     */
    Optional<Instant> validate(ConnectionSettings raw, Optional<Connection> existing, List<FieldError> errors) {
        List<FieldError> found = new ArrayList<>();
        ConnectionSettings s = resolve(raw, found);
        Optional<Instant> expiry = check(s, existing, found);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (FieldError e : found) {
            if (seen.add(e.field())) {
                errors.add(e);
            }
        }
        return expiry;
    }

    /** The settings with variable references replaced by their values (unset ones reported). */
    private ConnectionSettings resolve(ConnectionSettings s, List<FieldError> errors) {
        ConnectionSettings.Builder b = s.toBuilder();
        b.tenantId(text("tenantId", s.tenantId(), errors));
        b.clientId(text("clientId", s.clientId(), errors));
        b.username(text("username", s.username(), errors));
        b.loginAuthority(text("loginAuthority", s.loginAuthority(), errors));
        b.proxy(text("proxyHost", s.proxyHost(), errors), s.proxyPort().orElse(null));
        if (s.ewsUrl().isPresent()) {
            String url = text("ewsUrl", s.ewsUrl(), errors);
            b.ewsUrl(url);
            b.hostMode(s.hostMode());
        }
        b.graphUrl(text("graphUrl", s.graphUrl(), errors));
        b.clientSecret(secret("clientSecret", s.clientSecret(), errors));
        b.password(secret("password", s.password(), errors));
        b.certificatePem(secret("certificatePem", s.certificatePem(), errors));
        return b.build();
    }

    private String text(String field, Optional<String> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            return null;
        }
        Optional<String> unset = variables.unsetReference(value.get());
        if (unset.isPresent()) {
            errors.add(new FieldError(field, unset.get()));
            return value.get();
        }
        return variables.resolve(field, value.get());
    }

    private Secret secret(String field, Optional<Secret> value, List<FieldError> errors) {
        if (value.isEmpty()) {
            return null;
        }
        Optional<String> unset = variables.unsetReference(value.get().reveal());
        if (unset.isPresent()) {
            errors.add(new FieldError(field, unset.get()));
            return value.get();
        }
        return variables.resolve(field, value.get());
    }

    private Optional<Instant> check(ConnectionSettings s, Optional<Connection> existing, List<FieldError> errors) {
        if (s.name().isBlank()) {
            errors.add(new FieldError("name", "Give the connection a name, for example \"Support mailbox\"."));
        } else if (s.name().length() > 200) {
            errors.add(new FieldError("name", "Use at most 200 characters."));
        }
        if (s.signInMode() == null) {
            errors.add(new FieldError("signInMode", "Choose how Mailbridge signs in."));
            return Optional.empty();
        }
        if (s.transport() == Transport.GRAPH && !s.signInMode().oauth()) {
            errors.add(new FieldError(
                    "signInMode",
                    "Microsoft Graph accepts only OAuth: choose OAuth delegated or OAuth app-only, or use EWS for "
                            + "basic sign-in to Exchange Server."));
        }
        hosts(s, errors);
        Optional<Instant> certificateExpiry = Optional.empty();
        if (s.signInMode().oauth()) {
            tenant(s.tenantId(), errors);
            if (s.clientId().isEmpty()) {
                errors.add(new FieldError(
                        "clientId",
                        "Enter the app's Application (client) ID from Entra ID > App registrations > Overview."));
            } else if (!GUID.matcher(s.clientId().get()).matches()) {
                errors.add(new FieldError(
                        "clientId",
                        "The client ID is a GUID like 00000000-0000-0000-0000-000000000000 (the Application ID, "
                                + "not the Object ID or the secret)."));
            }
            boolean hasSecret = present(s.clientSecret())
                    || (s.clientSecret().isEmpty()
                            && existing.map(Connection::hasClientSecret).orElse(false));
            boolean hasCert = present(s.certificatePem())
                    || (s.certificatePem().isEmpty()
                            && existing.map(Connection::hasCertificate).orElse(false));
            if (present(s.certificatePem())) {
                certificateExpiry = certificate(s.certificatePem().get(), errors);
            }
            // Delegated without a credential is a public client: sign-in by device code only.
            if (!hasSecret && !hasCert && s.signInMode() == SignInMode.OAUTH_APP_ONLY) {
                errors.add(new FieldError(
                        "clientSecret",
                        "Enter the client secret's Value (Certificates & secrets > Client secrets; the Value "
                                + "column, not the Secret ID), or upload a certificate."));
            }
            if (present(s.clientSecret())
                    && GUID.matcher(s.clientSecret().get().reveal().strip()).matches()) {
                errors.add(new FieldError(
                        "clientSecret",
                        "This looks like the secret's ID (a GUID). Entra needs the secret's Value, shown once when "
                                + "the secret is created (AADSTS7000215 otherwise)."));
            }
        } else {
            if (s.username().isEmpty()) {
                errors.add(new FieldError(
                        "username",
                        s.signInMode() == SignInMode.BASIC_IMPERSONATED
                                ? "Enter the service account that holds the ApplicationImpersonation role."
                                : "Enter the mailbox user's sign-in name (user@domain or DOMAIN\\user)."));
            }
            boolean hasPassword = present(s.password())
                    || (s.password().isEmpty()
                            && existing.map(Connection::hasPassword).orElse(false));
            if (!hasPassword) {
                errors.add(new FieldError("password", "Enter the account's password."));
            }
        }
        proxy(s, errors);
        s.trustedCaPem()
                .flatMap(NetworkFields::trustedCasProblem)
                .ifPresent(m -> errors.add(new FieldError("trustedCaPem", m)));
        return certificateExpiry;
    }

    private static boolean present(Optional<Secret> s) {
        return s.isPresent() && !s.get().isEmpty();
    }

    private static void tenant(Optional<String> tenant, List<FieldError> errors) {
        if (tenant.isEmpty()) {
            errors.add(new FieldError(
                    "tenantId",
                    "Enter the Directory (tenant) ID from Entra ID > Overview, or the tenant's domain "
                            + "(contoso.onmicrosoft.com)."));
        } else if (!GUID.matcher(tenant.get()).matches()
                && !DOMAIN.matcher(tenant.get()).matches()
                && !tenant.get().equals("organizations")) {
            errors.add(new FieldError(
                    "tenantId",
                    "A tenant ID is a GUID (00000000-0000-0000-0000-000000000000) or a verified domain "
                            + "(contoso.onmicrosoft.com)."));
        }
    }

    private static void hosts(ConnectionSettings s, List<FieldError> errors) {
        if (s.hostMode() == HostMode.SUPPLIED && s.transport() == Transport.EWS) {
            if (s.ewsUrl().isEmpty()) {
                errors.add(new FieldError(
                        "ewsUrl",
                        "Enter the EWS URL (https://mail.example.com/EWS/Exchange.asmx), or choose Autodiscover."));
            } else {
                httpsUrl("ewsUrl", s.ewsUrl().get(), errors);
            }
        }
        if (s.hostMode() == HostMode.AUTODISCOVER && s.approvedHosts().isPresent()) {
            for (String h : NetworkFields.list(s.approvedHosts().get())) {
                if (!NetworkFields.isHost(h.startsWith("*.") ? h.substring(2) : h)) {
                    errors.add(new FieldError(
                            "approvedHosts",
                            "\"" + h + "\" is not a host name; list host names separated by commas "
                                    + "(mail.example.com, *.example.net)."));
                    break;
                }
            }
        }
        s.loginAuthority().ifPresent(a -> httpsUrl("loginAuthority", a, errors));
        s.graphUrl().ifPresent(g -> httpsUrl("graphUrl", g, errors));
    }

    private static void httpsUrl(String field, String value, List<FieldError> errors) {
        try {
            URI u = new URI(value);
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                errors.add(new FieldError(
                        field, "Enter an https:// URL; Mailbridge sends credentials only over verified TLS."));
            } else if (u.getUserInfo() != null) {
                errors.add(new FieldError(field, "Leave user names and passwords out of the URL."));
            }
        } catch (java.net.URISyntaxException e) {
            errors.add(new FieldError(field, "This is not a valid URL: " + e.getReason() + "."));
        }
    }

    private static void proxy(ConnectionSettings s, List<FieldError> errors) {
        if (s.proxyHost().isPresent()) {
            NetworkFields.proxyHostProblem(s.proxyHost().get())
                    .ifPresent(m -> errors.add(new FieldError("proxyHost", m)));
            if (s.proxyPort().isEmpty()) {
                errors.add(new FieldError("proxyPort", "Enter the proxy's port (often 3128 or 8080)."));
            }
        }
        s.proxyPort().flatMap(NetworkFields::portProblem).ifPresent(m -> errors.add(new FieldError("proxyPort", m)));
        if (s.proxyPort().isPresent() && s.proxyHost().isEmpty()) {
            errors.add(new FieldError("proxyHost", "Enter the proxy's host too, or clear the port."));
        }
        if (s.proxyUsername().isPresent() && s.proxyHost().isEmpty()) {
            errors.add(new FieldError("proxyUsername", "Proxy credentials need a proxy host."));
        }
    }

    private Optional<Instant> certificate(Secret pem, List<FieldError> errors) {
        try {
            Pem.privateKey(pem.reveal(), null);
            List<X509Certificate> chain = Pem.certificates(pem.reveal());
            if (chain.isEmpty()) {
                errors.add(new FieldError(
                        "certificatePem",
                        "Upload the private key and its certificate in one PEM (-----BEGIN PRIVATE KEY----- and "
                                + "-----BEGIN CERTIFICATE-----)."));
                return Optional.empty();
            }
            Instant notAfter = chain.get(0).getNotAfter().toInstant();
            if (notAfter.isBefore(clock.instant())) {
                errors.add(new FieldError(
                        "certificatePem",
                        "This certificate expired on " + notAfter
                                + ". Create a new one, upload its public part to the app registration "
                                + "(Certificates & secrets), and upload the new key and certificate here."));
            }
            return Optional.of(notAfter);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("certificatePem", e.getMessage()));
            return Optional.empty();
        }
    }

    static List<FieldError> newList() {
        return new ArrayList<>();
    }
}
