package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.entra.AppRegistration.AppCertificate;
import dev.mailbridge.emulator.entra.AppRegistration.ClientSecret;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The control REST API for the directory, under /_emulator/tenants: the same operations as
 * {@link EntraDirectory}, as JSON over HTTP for tests in other languages and for people poking.
 */
final class TenantControlApi {
    static final String PREFIX = "/_emulator/tenants";

    private final EntraDirectory directory;

    TenantControlApi(EntraDirectory directory) {
        this.directory = directory;
    }

    Reply handle(EntraRequest r) {
        String rest = r.path().substring(PREFIX.length());
        List<String> seg = new ArrayList<>();
        for (String s : rest.split("/")) {
            if (!s.isEmpty()) {
                seg.add(java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        String m = r.method();
        try {
            JsonNode body = body(r);
            int n = seg.size();
            if (n == 0) {
                return switch (m) {
                    case "GET" -> ok(directory.describe());
                    case "POST" -> created(directory.describe(directory.createTenant(body)));
                    default -> notAllowed();
                };
            }
            String t = seg.get(0);
            if (n == 1 && m.equals("GET")) {
                Tenant tenant = directory.tenant(t);
                return tenant == null ? notFound("No tenant '" + t + "'") : ok(directory.describe(tenant));
            }
            if (n >= 2 && seg.get(1).equals("users")) {
                if (n == 2 && m.equals("POST")) {
                    return created(directory.describe(directory.createUser(t, body)));
                }
                String upn = n >= 3 ? seg.get(2) : null;
                if (n == 3) {
                    return switch (m) {
                        case "GET" -> ok(directory.describe(directory.user(t, upn)));
                        case "PATCH" -> ok(directory.describe(directory.patchUser(t, upn, body)));
                        case "DELETE" -> {
                            directory.deleteUser(t, upn);
                            yield noContent();
                        }
                        default -> notAllowed();
                    };
                }
                if (n == 4 && seg.get(3).equals("revokeSessions") && m.equals("POST")) {
                    return ok(directory.describe(directory.revokeSessions(t, upn)));
                }
            }
            if (n >= 2 && seg.get(1).equals("apps")) {
                if (n == 2 && m.equals("POST")) {
                    return created(directory.describe(directory.createApp(t, body)));
                }
                String clientId = n >= 3 ? seg.get(2) : null;
                if (n == 3) {
                    return switch (m) {
                        case "GET" -> ok(directory.describe(directory.app(t, clientId)));
                        case "PATCH" -> ok(directory.describe(directory.patchApp(t, clientId, body)));
                        case "DELETE" -> {
                            directory.deleteApp(t, clientId);
                            yield noContent();
                        }
                        default -> notAllowed();
                    };
                }
                String what = seg.get(3);
                if (what.equals("secrets") && n == 4 && m.equals("POST")) {
                    Instant expires = null;
                    if (body.hasNonNull("expires")) {
                        expires = Instant.parse(body.get("expires").asText());
                    } else if (body.hasNonNull("expiresInDays")) {
                        expires = directory
                                .now()
                                .plus(Duration.ofDays(body.get("expiresInDays").asLong()));
                    } else if (body.hasNonNull("expiresInSeconds")) {
                        expires = directory
                                .now()
                                .plusSeconds(body.get("expiresInSeconds").asLong());
                    }
                    ClientSecret s = directory.addSecret(t, clientId, text(body, "value"), expires);
                    ObjectNode out = EntraContext.JSON.createObjectNode();
                    out.put("id", s.id())
                            .put("value", s.value())
                            .put(
                                    "expires",
                                    s.expires() == null ? null : s.expires().toString());
                    return created(out);
                }
                if (what.equals("secrets") && n == 5 && m.equals("DELETE")) {
                    directory.removeSecret(t, clientId, seg.get(4));
                    return noContent();
                }
                if (what.equals("certificates") && n == 4 && m.equals("POST")) {
                    AppCertificate c = directory.addGeneratedCertificate(t, clientId);
                    ObjectNode out = EntraContext.JSON.createObjectNode();
                    out.put("thumbprint", Pem.sha1Hex(c.certificate()));
                    out.put(
                            "certificatePem",
                            c.certificatePem().toAbsolutePath().toString());
                    out.put("privateKeyPem", c.privateKeyPem().toAbsolutePath().toString());
                    return created(out);
                }
                if (what.equals("adminConsent") && n == 4) {
                    switch (m) {
                        case "POST" -> directory.grantAdminConsent(t, clientId);
                        case "DELETE" -> directory.revokeAdminConsent(t, clientId);
                        default -> {
                            return notAllowed();
                        }
                    }
                    return ok(directory.describe(directory.app(t, clientId)));
                }
                if (what.equals("consents") && n == 4 && m.equals("POST")) {
                    List<String> scopes = new ArrayList<>();
                    body.path("scopes").forEach(s -> scopes.add(s.asText()));
                    String upn = text(body, "upn");
                    if (upn == null) {
                        return badRequest("The body needs a upn");
                    }
                    directory.grantUserConsent(t, clientId, upn, scopes);
                    return ok(directory.describe(directory.user(t, upn)));
                }
                if (what.equals("consents") && n == 5 && m.equals("DELETE")) {
                    directory.revokeUserConsent(t, clientId, seg.get(4));
                    return noContent();
                }
            }
            return notFound("No such control operation: " + m + " " + r.path());
        } catch (EntraDirectory.NotFound e) {
            return notFound(e.getMessage());
        } catch (IllegalArgumentException | UncheckedIOException | java.time.format.DateTimeParseException e) {
            return badRequest(e.getMessage());
        }
    }

    private static JsonNode body(EntraRequest r) {
        if (r.body() == null || r.body().isBlank()) {
            return EntraContext.JSON.createObjectNode();
        }
        try {
            JsonNode node = EntraContext.JSON.readTree(r.body());
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("The body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("The body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Reply ok(JsonNode node) {
        return Reply.json(200, node.toString());
    }

    private static Reply created(JsonNode node) {
        return Reply.json(201, node.toString());
    }

    private static Reply noContent() {
        return new Reply(204, null, "");
    }

    private static Reply notAllowed() {
        return problem(405, "method_not_allowed", "This method is not allowed here");
    }

    private static Reply notFound(String message) {
        return problem(404, "not_found", message);
    }

    private static Reply badRequest(String message) {
        return problem(400, "bad_request", message);
    }

    private static Reply problem(int status, String error, String message) {
        ObjectNode node =
                EntraContext.JSON.createObjectNode().put("error", error).put("message", message);
        return Reply.json(status, node.toString());
    }
}
