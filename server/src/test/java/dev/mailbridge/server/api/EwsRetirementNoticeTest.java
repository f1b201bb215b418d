package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.core.model.ApiKey;
import dev.mailbridge.emulator.Emulator;
import dev.mailbridge.emulator.junit.EmulatorExtension;
import dev.mailbridge.server.api.ApiClient.Reply;
import dev.mailbridge.server.security.ApiKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The EWS retirement notice where people and clients see it: the connection API's {@code notices}, the
 * connection page's {@code #ews-retirement} block (with the {@code #switch-to-graph} placeholder) and the
 * badge in the organisation's list. The emulator's contoso tenant over EWS is Exchange Online and gets it;
 * northwind.local (Exchange Server, Basic) and a Graph connection do not. The server's clock is the
 * emulator's, so the test sets the date.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(EwsRetirementNoticeTest.EmulatorTime.class)
class EwsRetirementNoticeTest {
    static final String ADMIN_PASSWORD = "correct horse battery staple";

    @RegisterExtension
    static final EmulatorExtension EMULATOR = EmulatorExtension.withDefaults();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
    }

    @TestConfiguration
    static class EmulatorTime {
        @Bean
        @Primary
        Clock emulatorClock() {
            return EMULATOR.emulator().clock();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ApiKeys apiKeys;

    @AfterEach
    void realTime() {
        EMULATOR.emulator().clock().reset();
    }

    @Test
    void exchangeOnlineOverEwsCarriesTheNoticeAndExchangeServerDoesNot() throws Exception {
        Emulator emulator = EMULATOR.emulator();
        emulator.clock().set(Instant.parse("2026-12-07T09:00:00Z"));
        ApiClient api = new ApiClient(port);
        String admin = apiKeys.create("notice admin", EnumSet.allOf(ApiKey.Scope.class), "test")
                .value();
        String northwind = api.northwindServiceConnection(admin, "Northwind", emulator);
        Reply org = api.post("/api/v1/organisations", admin, Map.of("name", "Contoso"));
        org.expect(201);
        String orgId = org.text("id");
        Reply contoso = api.post(
                "/api/v1/organisations/" + orgId + "/connections",
                admin,
                ApiJourneys.oauth(emulator, "Contoso over EWS", "OAUTH_APP_ONLY", ApiJourneys.CLIENT_SECRET));
        contoso.expect(201);
        Map<String, Object> graphSettings =
                ApiJourneys.oauth(emulator, "Contoso over Graph", "OAUTH_APP_ONLY", ApiJourneys.CLIENT_SECRET);
        graphSettings.put("transport", "GRAPH");
        Reply graph = api.post("/api/v1/organisations/" + orgId + "/connections", admin, graphSettings);
        graph.expect(201);

        JsonNode notices = contoso.get("notices");
        assertThat(notices).as(contoso.toString()).hasSize(1);
        JsonNode notice = notices.get(0);
        assertThat(notice.get("code").asString()).isEqualTo("ews-retirement");
        assertThat(notice.get("severity").asString()).isEqualTo("warning");
        assertThat(notice.get("title").asString()).contains("115 days left");
        assertThat(notice.get("text").asString())
                .contains("blocked by default since 1 October 2026")
                .contains("Mail.ReadWrite", "Mail.Send", "Switch to Graph");
        assertThat(api.get("/api/v1/connections/" + contoso.text("id"), admin)
                        .get("notices")
                        .get(0)
                        .get("code")
                        .asString())
                .isEqualTo("ews-retirement");
        Reply onPremises = api.get("/api/v1/connections/" + northwind, admin);
        assertThat(onPremises.get("notices")).as(onPremises.toString()).isEmpty();
        assertThat(graph.get("notices")).as(graph.toString()).isEmpty();

        api.post(
                        "/api/v1/users",
                        admin,
                        Map.of("username", "notice-admin", "password", ADMIN_PASSWORD, "role", "ADMIN"))
                .expect(201);
        UiSession ui = new UiSession(port).signIn("notice-admin", ADMIN_PASSWORD);
        String page = ui.page("/connections/" + contoso.text("id"));
        assertThat(page)
                .contains("id=\"ews-retirement\"")
                .contains("id=\"switch-to-graph-button\"")
                .contains("data-severity=\"warning\"")
                .contains("115 days left")
                .contains("Switch this connection to Microsoft Graph");
        assertThat(ui.page("/connections/" + northwind)).doesNotContain("ews-retirement");
        assertThat(ui.page("/connections/" + graph.text("id"))).doesNotContain("ews-retirement");
        String list = ui.page("/organisations/" + orgId);
        assertThat(list).contains("EWS retiring: switch to Graph");
        assertThat(list.split("badge ews-retirement", -1))
                .as("one badge: the EWS connection's")
                .hasSize(2);

        // From 1 April 2027 the same connection cannot work: the notice turns critical.
        emulator.clock().set(Instant.parse("2027-04-01T08:00:00Z"));
        JsonNode after = api.get("/api/v1/connections/" + contoso.text("id"), admin)
                .get("notices")
                .get(0);
        assertThat(after.get("severity").asString()).isEqualTo("critical");
        assertThat(after.get("title").asString()).isEqualTo("EWS in Exchange Online has been shut down");
        assertThat(ui.page("/connections/" + contoso.text("id")))
                .contains("data-severity=\"critical\"")
                .contains("role=\"alert\"");
        assertThat(ui.page("/organisations/" + orgId)).contains("EWS shut down: switch to Graph");
    }
}
