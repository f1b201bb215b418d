package dev.mailbridge.server.api;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI description's header: what the API is, how to authenticate, and its tags. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Mailbridge REST API",
                        version = "v1",
                        description = """
                                Everything the admin web UI does, for scripts and other systems: organisations, \
                                connections, mailboxes, Authorize, Refresh, Test Connection, history, folder \
                                mapping, receiving mail, delivery targets and dead letters, users, API keys, the audit \
                                log and settings.

                                **Authentication.** Every endpoint needs an API key, sent as \
                                `Authorization: Bearer mbk_...` (or `X-Api-Key: mbk_...`). An admin creates the \
                                first key in the web UI under Settings > API keys; the key is shown once. Scopes: \
                                `READ` (GET requests), `WRITE` (also create, change, authorize, test), `ADMIN` \
                                (also users, API keys, audit log and settings).

                                **Secrets are write-only.** Client secrets, certificates and passwords can be set \
                                but are never returned: responses say `clientSecretSet: true` instead. Leave a \
                                secret out (or `null`) to keep the stored one; send `""` to clear it. Tokens never \
                                appear in any response.

                                **Errors** are RFC 9457 problem details (`application/problem+json`). Invalid input \
                                gives 400 with `errors: [{field, message}]` and changes nothing; an unknown ID 404; \
                                a conflict 409; a failed sign-in at Microsoft 422 with the AADSTS `code`, the \
                                `fix`, the `field` to change, `traceId` and `correlationId`.

                                **Delegated authorization** needs a person at a browser: `POST \
                                /api/v1/mailboxes/{id}/authorize` returns an `authorizationUrl`; open it, sign in \
                                as the mailbox within the time limit (`expiresAt`); Microsoft returns to this \
                                server's `/oauth2/callback`; poll `GET /api/v1/mailboxes/{id}` until its status is \
                                `AUTHORIZED`, or read its history for the failure.""",
                        license = @License(name = "Apache-2.0", url = "https://www.apache.org/licenses/LICENSE-2.0")),
        security = {@SecurityRequirement(name = ApiDocs.BEARER), @SecurityRequirement(name = ApiDocs.HEADER)},
        tags = {
            @Tag(name = ApiDocs.ORGANISATIONS, description = "Organisations group connections."),
            @Tag(
                    name = ApiDocs.CONNECTIONS,
                    description = "How Mailbridge reaches and signs in to Exchange; secrets are write-only."),
            @Tag(
                    name = ApiDocs.MAILBOXES,
                    description = "Mailboxes of a connection: status, authorize, refresh, test, history, folders."),
            @Tag(
                    name = ApiDocs.RECEIVE,
                    description = "Receiving a mailbox's mail: enable, sync now, delivery counters and last sync."),
            @Tag(
                    name = ApiDocs.DELIVERY,
                    description =
                            "Where events go (webhooks, RabbitMQ); secrets are write-only. Dead letters and replay."),
            @Tag(
                    name = ApiDocs.ADMIN,
                    description = "Users, API keys, the audit log and server settings (ADMIN scope).")
        })
@SecurityScheme(
        name = ApiDocs.BEARER,
        type = SecuritySchemeType.HTTP,
        scheme = "bearer",
        bearerFormat = "mbk_... API key",
        description = "An API key as a bearer token: `Authorization: Bearer mbk_...`.")
@SecurityScheme(
        name = ApiDocs.HEADER,
        type = SecuritySchemeType.APIKEY,
        in = SecuritySchemeIn.HEADER,
        paramName = "X-Api-Key",
        description = "The same API key in the X-Api-Key header.")
class ApiDocs {
    static final String BEARER = "apiKey";
    static final String HEADER = "apiKeyHeader";
    static final String ORGANISATIONS = "Organisations";
    static final String CONNECTIONS = "Connections";
    static final String MAILBOXES = "Mailboxes";
    static final String ADMIN = "Administration";
    static final String RECEIVE = "Receive";
    static final String DELIVERY = "Delivery";
}
