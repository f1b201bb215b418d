package dev.mailbridge.core.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Reading Graph permissions from tokens shaped like Entra's (header.claims.signature). */
class GraphPermissionsTest {
    static String jwt(String claims) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void appOnlyRolesNameWhatIsMissing() {
        GraphPermissions.Check c = GraphPermissions.check(jwt("{\"roles\":[\"Mail.Read\",\"User.Read.All\"]}"), true);
        assertThat(c.ok()).isFalse();
        assertThat(c.granted()).containsExactly("Mail.Read");
        assertThat(c.missing()).containsExactly("Mail.ReadWrite", "Mail.Send");
        assertThat(c.fix())
                .contains("Application permissions, add Mail.ReadWrite and Mail.Send")
                .contains("Grant admin consent");

        GraphPermissions.Check all =
                GraphPermissions.check(jwt("{\"roles\":[\"Mail.ReadWrite\",\"Mail.Send\"]}"), true);
        assertThat(all.ok()).isTrue();
        assertThat(all.exchangeRbac()).isFalse();
        assertThat(all.fix()).isEmpty();
    }

    @Test
    void delegatedScopesAreReadFromScp() {
        GraphPermissions.Check c =
                GraphPermissions.check(jwt("{\"scp\":\"User.Read Mail.ReadWrite openid profile\"}"), false);
        assertThat(c.missing()).containsExactly("Mail.Send");
        assertThat(c.fix()).contains("Delegated permissions").contains("authorize the mailbox again");
    }

    @Test
    void anAppOnlyTokenWithoutMailRolesIsLeftToExchangeRbac() {
        GraphPermissions.Check c = GraphPermissions.check(jwt("{\"roles\":[]}"), true);
        assertThat(c.exchangeRbac()).isTrue();
        assertThat(c.ok()).isTrue();
        // but a delegated token without mail scopes lacks them
        assertThat(GraphPermissions.check(jwt("{\"scp\":\"User.Read\"}"), false).ok())
                .isFalse();
    }

    @Test
    void somethingThatIsNotAJwtIsSaidSo() {
        assertThatThrownBy(() -> GraphPermissions.check("opaque-token", true)).hasMessageContaining("not a JWT");
    }
}
