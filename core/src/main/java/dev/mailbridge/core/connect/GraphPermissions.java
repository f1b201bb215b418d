package dev.mailbridge.core.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.model.Connection;
import dev.mailbridge.core.model.Mailbox;
import dev.mailbridge.core.model.SignInMode;
import dev.mailbridge.identity.token.AccessToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether the app registration holds the Microsoft Graph permissions Mailbridge needs for a mailbox:
 * Mail.ReadWrite (read, mark, move, delete) and Mail.Send. Read from the Graph token Entra issues: app-only
 * tokens list the admin-consented application permissions in {@code roles}, delegated ones the granted
 * scopes in {@code scp}. The token is only read here, never trusted for anything else: Graph checks it.
 *
 * <p>An app-only token without any Mail role is the mark of RBAC for Applications: Exchange Online, not
 * Entra, grants that app its mail permissions (a role assignment with "Application Mail.ReadWrite" and
 * "Application Mail.Send" over a management scope), so the token cannot tell; {@link Check#exchangeRbac} is
 * set and the caller proves access by opening the mailbox instead.
 */
public final class GraphPermissions {
    /** What Mailbridge needs on Graph. */
    public static final List<String> REQUIRED = List.of("Mail.ReadWrite", "Mail.Send");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The outcome for one mailbox.
     *
     * @param granted the mail permissions the token carries
     * @param missing of {@link #REQUIRED}, those it lacks
     */
    public record Check(boolean appOnly, List<String> granted, List<String> missing) {
        /** Nothing missing, or nothing to read (RBAC for Applications decides in Exchange). */
        public boolean ok() {
            return missing.isEmpty() || exchangeRbac();
        }

        /** App-only without a single Mail role in the token: permissions granted by Exchange's RBAC, if at all. */
        public boolean exchangeRbac() {
            return appOnly && granted.isEmpty();
        }

        /** What to add in Entra, in the words of the portal; empty when nothing is missing. */
        public String fix() {
            if (missing.isEmpty()) {
                return "";
            }
            String kind = appOnly ? "Application permissions" : "Delegated permissions";
            return "In the Microsoft Entra admin center open App registrations > this app > API permissions > Add a "
                    + "permission > Microsoft Graph > " + kind + ", add " + String.join(" and ", missing)
                    + (appOnly
                            ? ", then press \"Grant admin consent\"."
                            : ", grant admin consent (or have the user consent), then authorize the mailbox again.");
        }
    }

    private final TokenKeeper keeper;

    public GraphPermissions(TokenKeeper keeper) {
        this.keeper = keeper;
    }

    /**
     * Gets a Graph token for the mailbox and reads its permissions.
     *
     * @throws dev.mailbridge.identity.failure.SignInFailure when Entra gives no Graph token (for delegated
     *     sign-in without consent to Graph's scopes: AADSTS65001)
     */
    public Check check(Mailbox m) {
        Connection c = keeper.connection(m.connectionId());
        AccessToken token = keeper.graphTokens(m).token();
        return check(token.value().reveal(), c.signInMode() == SignInMode.OAUTH_APP_ONLY);
    }

    /** The app's application permissions on Graph (app-only connections; no mailbox needed). */
    public Check checkApp(Connection c) {
        if (c.signInMode() != SignInMode.OAUTH_APP_ONLY) {
            throw new IllegalArgumentException("only app-only connections have application permissions");
        }
        return check(keeper.graphAppTokens(c).token().value().reveal(), true);
    }

    static Check check(String jwt, boolean appOnly) {
        Set<String> have = new LinkedHashSet<>();
        JsonNode claims = claims(jwt);
        if (appOnly) {
            claims.path("roles").forEach(r -> have.add(r.asText()));
        } else {
            for (String s : claims.path("scp").asText("").split(" ")) {
                if (!s.isBlank()) {
                    have.add(s);
                }
            }
        }
        List<String> granted = new ArrayList<>();
        for (String p : have) {
            if (p.toLowerCase(Locale.ROOT).startsWith("mail.")) {
                granted.add(p);
            }
        }
        List<String> missing = new ArrayList<>();
        for (String need : REQUIRED) {
            if (have.stream().noneMatch(p -> p.equalsIgnoreCase(need))) {
                missing.add(need);
            }
        }
        return new Check(appOnly, List.copyOf(granted), List.copyOf(missing));
    }

    private static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length < 2) {
            throw new IllegalStateException("Entra's Graph token is not a JWT; its permissions cannot be read.");
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("Entra's Graph token cannot be read; its permissions are unknown.");
        }
    }
}
