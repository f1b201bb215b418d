package dev.mailbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlFormTest {
    @Test
    void fillsSignInPageKeepingHiddenFields() {
        String html = "<html><body><form method=\"post\" action=\"/contoso.onmicrosoft.com/login\" id=\"signin\">"
                + "<input type=\"hidden\" name=\"flow\" value=\"abc&amp;1\">"
                + "<label for=\"login\">Email</label>"
                + "<input type=\"email\" id=\"login\" name=\"login\" required value=\"\">"
                + "<input type=\"password\" id=\"passwd\" name=\"passwd\">"
                + "<button type=\"submit\">Sign in</button></form></body></html>";

        HtmlForm form = HtmlForm.first(html);

        assertThat(form.method()).isEqualTo("post");
        assertThat(form.actionUri(URI.create("https://localhost:8443/contoso/oauth2/v2.0/authorize?x=1")))
                .isEqualTo(URI.create("https://localhost:8443/contoso.onmicrosoft.com/login"));
        assertThat(form.fill(Map.of("login", "adele@contoso.com", "passwd", "pw")))
                .containsExactly(
                        Map.entry("flow", "abc&1"), Map.entry("login", "adele@contoso.com"), Map.entry("passwd", "pw"));
    }

    @Test
    void consentPageSendsTheChosenButtonOnly() {
        String html = "<form method=\"post\" action=\"/t/consent\" id=\"consent\">"
                + "<input type=\"hidden\" name=\"flow\" value=\"f1\">"
                + "<button type=\"submit\" name=\"accept\" value=\"yes\">Accept</button> "
                + "<button type=\"submit\" name=\"accept\" value=\"no\">Cancel</button></form>";

        HtmlForm form = HtmlForm.first(html);

        assertThat(form.fill(Map.of())).containsExactly(Map.entry("flow", "f1"), Map.entry("accept", "yes"));
        assertThat(form.fill(Map.of("accept", "yes"))).containsEntry("accept", "yes");
    }

    @Test
    void noFormIsNull() {
        assertThat(HtmlForm.first("<p>nothing here</p>")).isNull();
    }
}
