package dev.mailbridge.emulator.entra;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A user of a tenant, with the flags that make sign-in and token issuance fail the way Entra does. */
public final class EntraUser {
    final String upn;
    String password;
    String displayName;
    final String oid;
    boolean disabled;
    boolean mfaRequired;
    boolean blockedByConditionalAccess;
    boolean admin;
    List<String> roles;
    /** Tokens and sessions issued before this instant are revoked (password change, revokeSessions). */
    Instant tokensValidFrom;
    /** Delegated permissions this user consented to, per client id (lower case): consent keys. */
    final Map<String, Set<String>> consents = new HashMap<>();

    EntraUser(String upn, String password, String displayName, String oid, Instant tokensValidFrom) {
        this.upn = upn;
        this.password = password;
        this.displayName = displayName;
        this.oid = oid;
        this.tokensValidFrom = tokensValidFrom;
        this.roles = List.of();
    }

    public String upn() {
        return upn;
    }

    public String password() {
        return password;
    }

    public String displayName() {
        return displayName;
    }

    public String oid() {
        return oid;
    }

    public boolean disabled() {
        return disabled;
    }

    public boolean mfaRequired() {
        return mfaRequired;
    }

    public boolean blockedByConditionalAccess() {
        return blockedByConditionalAccess;
    }

    public boolean admin() {
        return admin;
    }

    public List<String> roles() {
        return roles;
    }

    public Instant tokensValidFrom() {
        return tokensValidFrom;
    }

    Set<String> consentsFor(String clientId) {
        return consents.computeIfAbsent(clientId.toLowerCase(java.util.Locale.ROOT), k -> new LinkedHashSet<>());
    }
}
