package dev.mailbridge.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import dev.mailbridge.server.api.ApiClient.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * No API endpoint answers without a key: every mapping the server registers under {@code /api/} is
 * called over real HTTP without one (and with a wrong one), so a new endpoint cannot slip through. And
 * the OpenAPI description is produced, declares the API-key scheme and lists every API endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiSecurityTest {
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ApiClient.embeddedServer(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    WebApplicationContext context;

    record Endpoint(String method, String pattern) {
        String path() {
            return pattern.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
        }
    }

    List<Endpoint> apiEndpoints() {
        List<Endpoint> out = new ArrayList<>();
        for (var e : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = e.getKey();
            HandlerMethod handler = e.getValue();
            Set<String> patterns = info.getPathPatternsCondition() == null
                    ? info.getPatternValues()
                    : info.getPathPatternsCondition().getPatternValues();
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            for (String p : patterns) {
                if (p.startsWith("/api/")) {
                    assertThat(handler.getBeanType().getPackageName())
                            .as("API endpoints live in dev.mailbridge.server.api: " + p)
                            .isEqualTo("dev.mailbridge.server.api");
                    if (methods.isEmpty()) {
                        out.add(new Endpoint("GET", p));
                    }
                    methods.forEach(m -> out.add(new Endpoint(m.name(), p)));
                }
            }
        }
        return out;
    }

    @Test
    void everyApiEndpointRefusesWithoutAKey() {
        List<Endpoint> endpoints = apiEndpoints();
        assertThat(endpoints).hasSizeGreaterThan(30);
        ApiClient api = new ApiClient(port);
        for (Endpoint e : endpoints) {
            Object body = e.method().equals("POST") || e.method().equals("PUT") ? "{}" : null;
            Reply none = api.send(e.method(), e.path(), null, body);
            assertThat(none.status()).as(e + " without a key").isEqualTo(401);
            assertThat(none.contentType()).as(e.toString()).startsWith("application/problem+json");
            Reply wrong = api.send(e.method(), e.path(), "mbk_wrongwrongwrongwrongwrongwrongwrong", body);
            assertThat(wrong.status()).as(e + " with a wrong key").isEqualTo(401);
        }
    }

    @Test
    void openApiDescriptionDeclaresTheKeyAndEveryEndpoint() throws Exception {
        // The docs are on the web UI's side (session sign-in), so without a session they redirect to login.
        Reply anonymous = new ApiClient(port).get("/docs/openapi.json", null);
        assertThat(anonymous.status()).isIn(302, 401);

        MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build(); // past the security filters
        MvcResult r = mvc.perform(get("/docs/openapi.json")).andReturn();
        assertThat(r.getResponse().getStatus()).isEqualTo(200);
        JsonNode doc = ApiClient.JSON.readTree(r.getResponse().getContentAsString());
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        JsonNode scheme = doc.get("components").get("securitySchemes").get("apiKey");
        assertThat(scheme.get("type").asString()).isEqualTo("http");
        assertThat(scheme.get("scheme").asString()).isEqualTo("bearer");
        assertThat(doc.get("security").toString()).contains("apiKey");
        for (Endpoint e : apiEndpoints()) {
            JsonNode path = doc.get("paths").get(e.pattern());
            assertThat(path).as("documented: " + e).isNotNull();
            assertThat(path.get(e.method().toLowerCase(java.util.Locale.ROOT)))
                    .as("documented: " + e)
                    .isNotNull();
        }
        // Secrets are write-only in the schema.
        JsonNode secret = doc.get("components")
                .get("schemas")
                .get("ConnectionRequest")
                .get("properties")
                .get("clientSecret");
        assertThat(secret.get("writeOnly").asBoolean()).isTrue();
        assertThat(doc.get("components")
                        .get("schemas")
                        .get("ConnectionView")
                        .get("properties")
                        .has("clientSecret"))
                .isFalse();
    }
}
