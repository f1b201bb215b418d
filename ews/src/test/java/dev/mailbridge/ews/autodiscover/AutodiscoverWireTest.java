package dev.mailbridge.ews.autodiscover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailbridge.ews.error.EwsUnsafeResponseException;
import dev.mailbridge.ews.xml.EwsXml;
import dev.mailbridge.identity.Secret;
import dev.mailbridge.identity.credential.BasicAuthenticator;
import dev.mailbridge.identity.credential.BasicCredential;
import dev.mailbridge.identity.http.HttpSettings;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parsing Microsoft's documented Autodiscover answers, hostile ones, and the candidate list. */
class AutodiscoverWireTest {
    static final EwsXml XML = EwsXml.defaults();

    static XmlTree tree(String xml) {
        return XmlTree.parse(XML, xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void soapRedirectAddressAsMicrosoftDocumentsIt() {
        AutodiscoverWire.Answer a = AutodiscoverWire.parseSoap(tree("""
                <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
                <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
                <Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ErrorCode>NoError</ErrorCode><ErrorMessage/>
                <UserResponses><UserResponse><ErrorCode>RedirectAddress</ErrorCode><ErrorMessage>Redirection address.</ErrorMessage>
                <RedirectTarget>elvin@mail.contoso.com</RedirectTarget><UserSettingErrors/><UserSettings/></UserResponse></UserResponses>
                </Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>"""));
        assertThat(a).isEqualTo(new AutodiscoverWire.RedirectAddress("elvin@mail.contoso.com"));
    }

    @Test
    void poxErrorAndPlainHttpEwsUrlsAreFailures() {
        assertThat(AutodiscoverWire.parsePox(tree("""
                        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
                        <Response><Error Time="05:31:56" Id="1"><ErrorCode>500</ErrorCode>
                        <Message>The email address can't be found.</Message><DebugData/></Error></Response></Autodiscover>""")))
                .isEqualTo(new AutodiscoverWire.Failed("POX error 500 (The email address can't be found.)"));
        assertThat(AutodiscoverWire.parsePox(tree("""
                        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
                        <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
                        <Account><Action>settings</Action><Protocol><Type>EXPR</Type>
                        <EwsUrl>http://mail.contoso.com/EWS/Exchange.asmx</EwsUrl></Protocol></Account></Response></Autodiscover>"""))).isInstanceOf(AutodiscoverWire.Failed.class);
    }

    @Test
    void dtdsAreRefused() {
        assertThatThrownBy(() -> tree("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"))
                .isInstanceOf(EwsUnsafeResponseException.class);
    }

    @Test
    void candidatesStayInTheExactDomain() {
        AutodiscoverClient client = AutodiscoverClient.builder(HttpSettings.defaults())
                .credentials(new BasicAuthenticator(BasicCredential.of("anna@mail.example.co.uk", Secret.of("x"))))
                .build();
        assertThat(client.candidates("Anna@Mail.Example.co.uk"))
                .containsExactly(
                        URI.create("https://mail.example.co.uk/autodiscover/autodiscover.svc"),
                        URI.create("https://mail.example.co.uk/autodiscover/autodiscover.xml"),
                        URI.create("https://autodiscover.mail.example.co.uk/autodiscover/autodiscover.svc"),
                        URI.create("https://autodiscover.mail.example.co.uk/autodiscover/autodiscover.xml"));
        assertThat(AutodiscoverClient.builder(HttpSettings.defaults())
                        .exchangeOnline()
                        .build()
                        .candidates("adele@contoso.com"))
                .containsExactly(URI.create("https://autodiscover-s.outlook.com/autodiscover/autodiscover.json"
                        + "?Email=adele%40contoso.com&Protocol=EWS&RedirectCount=0"));
        assertThatThrownBy(() -> client.candidates("nobody@localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThat(client.candidates("hans@bücher.example").get(0))
                .isEqualTo(URI.create("https://xn--bcher-kva.example/autodiscover/autodiscover.svc"));
    }
}
