package dev.mailbridge.core.connect;

import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.ConnectionSettings;
import dev.mailbridge.core.model.HistoryEvent;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.MailboxStatus;
import dev.mailbridge.core.model.Organisation;
import dev.mailbridge.core.store.DuplicateException;
import dev.mailbridge.core.store.HistoryStore;
import dev.mailbridge.core.store.NotFoundException;
import dev.mailbridge.core.store.Stores;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Organisations, connections and mailboxes as people change them: validated first, audited after,
 * and a change to what tokens depend on (tenant, client, secret, certificate, cloud, mode) sends the
 * connection's mailboxes back to "Re-authorization required".
 */
public final class ConnectionService {
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");

    private final Stores stores;
    private final ConnectionValidator validator;
    private final TokenKeeper tokens;
    private final MailboxAccess access;

    public ConnectionService(
            Stores stores, TokenKeeper tokens, MailboxAccess access, Clock clock, Variables variables) {
        this.stores = stores;
        this.tokens = tokens;
        this.access = access;
        this.validator = new ConnectionValidator(clock, variables);
    }

    public Organisation createOrganisation(String name, String actor) {
        if (name == null || name.isBlank()) {
            throw ValidationException.of("name", "Give the organisation a name.");
        }
        try {
            Organisation o = stores.organisations().create(name);
            stores.audit().record(actor, "organisation.create", "organisation/" + o.id(), o.name());
            return o;
        } catch (DuplicateException e) {
            throw ValidationException.of("name", "An organisation called \"" + name.strip() + "\" already exists.");
        }
    }

    public void deleteOrganisation(UUID id, String actor) {
        Organisation o = stores.organisations().get(id).orElseThrow(() -> new NotFoundException("organisation", id));
        stores.organisations().delete(id);
        stores.audit().record(actor, "organisation.delete", "organisation/" + id, o.name());
    }

    /** Field-level problems with {@code settings}, empty when they can be saved. */
    public List<FieldError> check(ConnectionSettings settings, Optional<UUID> existing) {
        List<FieldError> errors = new ArrayList<>();
        validator.validate(settings, existing.flatMap(stores.connections()::get), errors);
        return errors;
    }

    public Connection create(UUID organisationId, ConnectionSettings settings, String actor) {
        stores.organisations()
                .get(organisationId)
                .orElseThrow(() -> new NotFoundException("organisation", organisationId));
        List<FieldError> errors = new ArrayList<>();
        var expiry = validator.validate(settings, Optional.empty(), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        try {
            Connection c = stores.connections().create(organisationId, settings, expiry);
            stores.audit().record(actor, "connection.create", "connection/" + c.id(), describe(settings));
            stores.history()
                    .add(HistoryStore.event(
                            c.id(),
                            null,
                            HistoryEvent.Kind.CREATED,
                            HistoryEvent.Outcome.OK,
                            "Connection created (" + settings.signInMode().label() + ")"));
            return c;
        } catch (DuplicateException e) {
            throw ValidationException.of("name", "This organisation already has a connection with that name.");
        }
    }

    public Connection update(UUID id, ConnectionSettings settings, String actor) {
        Connection before = stores.connections().get(id).orElseThrow(() -> new NotFoundException("connection", id));
        List<FieldError> errors = new ArrayList<>();
        var expiry = validator.validate(settings, Optional.of(before), errors);
        if (!errors.isEmpty()) {
            throw new ValidationException(errors);
        }
        boolean invalidates;
        try {
            invalidates = stores.connections().update(id, settings, expiry);
        } catch (DuplicateException e) {
            throw ValidationException.of("name", "This organisation already has a connection with that name.");
        }
        stores.audit().record(actor, "connection.update", "connection/" + id, changedFields(before, settings));
        forget(id);
        if (invalidates) {
            String why = "The connection's sign-in settings changed (" + changedFields(before, settings)
                    + "); the old tokens were discarded.";
            for (Mailbox m : stores.mailboxes().list(id)) {
                if (m.status() != MailboxStatus.NOT_AUTHORIZED) {
                    stores.mailboxes().clearTokens(m.id(), MailboxStatus.REAUTHORIZATION_REQUIRED, why);
                    stores.history()
                            .add(HistoryStore.event(
                                    id,
                                    m.id(),
                                    HistoryEvent.Kind.INVALIDATED,
                                    HistoryEvent.Outcome.WARNING,
                                    why + " Re-authorize the mailbox."));
                }
            }
        }
        stores.history()
                .add(HistoryStore.event(
                        id,
                        null,
                        HistoryEvent.Kind.CHANGED,
                        HistoryEvent.Outcome.OK,
                        "Settings changed: " + changedFields(before, settings)));
        return stores.connections().get(id).orElseThrow();
    }

    public void delete(UUID id, String actor) {
        Connection c = stores.connections().get(id).orElseThrow(() -> new NotFoundException("connection", id));
        stores.connections().delete(id);
        forget(id);
        stores.audit().record(actor, "connection.delete", "connection/" + id, c.name());
    }

    public Mailbox addMailbox(UUID connectionId, String address, Optional<UUID> owner, String actor) {
        Connection c = stores.connections()
                .get(connectionId)
                .orElseThrow(() -> new NotFoundException("connection", connectionId));
        if (address == null || !ADDRESS.matcher(address.strip()).matches()) {
            throw ValidationException.of("address", "Enter the mailbox's email address (name@example.com).");
        }
        try {
            Mailbox m = stores.mailboxes().create(connectionId, address, owner);
            stores.audit().record(actor, "mailbox.create", "mailbox/" + m.id(), m.address() + " on " + c.name());
            stores.history()
                    .add(HistoryStore.event(
                            connectionId,
                            m.id(),
                            HistoryEvent.Kind.CREATED,
                            HistoryEvent.Outcome.OK,
                            "Mailbox " + m.address() + " added"));
            return m;
        } catch (DuplicateException e) {
            throw ValidationException.of("address", "This connection already has that mailbox.");
        }
    }

    public void removeMailbox(UUID id, String actor) {
        Mailbox m = stores.mailboxes().get(id).orElseThrow(() -> new NotFoundException("mailbox", id));
        stores.mailboxes().delete(id);
        forget(m.connectionId());
        stores.audit().record(actor, "mailbox.delete", "mailbox/" + id, m.address());
    }

    private void forget(UUID connectionId) {
        tokens.forget(connectionId);
        access.forget(connectionId);
    }

    /**
     * What is still missing before Authorize can run (empty when ready): the UI enables the button only
     * then, the API answers 409 with this list.
     */
    public List<String> missingForAuthorize(Connection c) {
        List<String> missing = new ArrayList<>();
        if (!c.signInMode().oauth()) {
            return List.of("Basic sign-in has nothing to authorize; use Test Connection.");
        }
        if (c.tenantId().isEmpty()) {
            missing.add("tenant ID");
        }
        if (c.clientId().isEmpty()) {
            missing.add("client ID");
        }
        if (!c.hasClientSecret() && !c.hasCertificate()) {
            missing.add("client secret or certificate");
        }
        if (c.hostMode() == dev.mailbridge.core.model.HostMode.SUPPLIED
                && c.ewsUrl().isEmpty()
                && c.transport() == dev.mailbridge.core.model.Transport.EWS) {
            missing.add("EWS URL");
        }
        return missing;
    }

    /**
     * What a connection lacks to sign in at all (Test Connection's first step): like {@link
     * #missingForAuthorize}, except that a delegated connection without a secret is a public client,
     * which signs in with a device code.
     */
    public List<String> missingForSignIn(Connection c) {
        List<String> missing = new ArrayList<>(missingForAuthorize(c));
        if (c.signInMode() == dev.mailbridge.core.model.SignInMode.OAUTH_DELEGATED) {
            missing.remove("client secret or certificate");
        }
        return missing;
    }

    /** Field names that differ (secrets only as "changed"), for the audit log and history. */
    static String changedFields(Connection b, ConnectionSettings s) {
        List<String> f = new ArrayList<>();
        if (!b.name().equals(s.name())) f.add("name");
        if (b.transport() != s.transport()) f.add("transport");
        if (b.signInMode() != s.signInMode()) f.add("sign-in mode");
        if (b.cloud() != s.cloud()) f.add("cloud");
        if (b.hostMode() != s.hostMode() || !b.ewsUrl().equals(s.ewsUrl())) f.add("host");
        if (!b.graphUrl().equals(s.graphUrl())) f.add("Graph URL");
        if (!b.approvedHosts().equals(s.approvedHosts())) f.add("approved hosts");
        if (!b.loginAuthority().equals(s.loginAuthority())) f.add("sign-in host");
        if (!b.tenantId().equals(s.tenantId())) f.add("tenant ID");
        if (!b.clientId().equals(s.clientId())) f.add("client ID");
        if (s.clientSecret().isPresent()) f.add("client secret");
        if (s.certificatePem().isPresent()) f.add("certificate");
        if (!b.username().equals(s.username())) f.add("user name");
        if (s.password().isPresent()) f.add("password");
        if (!b.proxyHost().equals(s.proxyHost())
                || !b.proxyPort().equals(s.proxyPort())
                || !b.proxyUsername().equals(s.proxyUsername())
                || s.proxyPassword().isPresent()
                || !b.noProxy().equals(s.noProxy())) f.add("proxy");
        if (!b.trustedCaPem().equals(s.trustedCaPem())) f.add("trusted CAs");
        return f.isEmpty() ? "nothing" : String.join(", ", f);
    }

    private static String describe(ConnectionSettings s) {
        return s.name() + ", " + s.transport() + ", " + s.signInMode() + ", " + s.cloud() + ", " + s.hostMode();
    }
}
