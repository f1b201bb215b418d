package dev.mailbridge.emulator.entra;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailbridge.emulator.Cloud;
import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraContext.TenantRef;
import java.net.URI;

/** OpenID metadata (v2 and v1), signing keys and MSAL's instance discovery, per listener. */
final class MetadataEndpoint {
    private final EntraContext ctx;

    MetadataEndpoint(EntraContext ctx) {
        this.ctx = ctx;
    }

    Reply openidConfiguration(EntraRequest r, String tenantSegment, boolean v2) {
        try {
            TenantRef ref = ctx.tenantRef(tenantSegment, r.endpoint().cloud());
            Endpoint ep = r.endpoint();
            Cloud cloud = ep.cloud();
            String t = ref.tenant() != null ? ref.tenant().id : tenantSegment.toLowerCase(java.util.Locale.ROOT);
            String tid = ref.tenant() != null ? ref.tenant().id : "{tenantid}";
            String base = ep.url("/" + t);
            ObjectNode doc = EntraContext.JSON.createObjectNode();
            doc.put("token_endpoint", base + (v2 ? "/oauth2/v2.0/token" : "/oauth2/token"));
            ArrayNode auth = doc.putArray("token_endpoint_auth_methods_supported");
            auth.add("client_secret_post").add("private_key_jwt").add("client_secret_basic");
            doc.put("jwks_uri", base + (v2 ? "/discovery/v2.0/keys" : "/discovery/keys"));
            doc.putArray("response_modes_supported")
                    .add("query")
                    .add("fragment")
                    .add("form_post");
            doc.putArray("subject_types_supported").add("pairwise");
            doc.putArray("id_token_signing_alg_values_supported").add("RS256");
            doc.putArray("response_types_supported")
                    .add("code")
                    .add("id_token")
                    .add("code id_token")
                    .add("id_token token");
            if (v2) {
                doc.putArray("scopes_supported")
                        .add("openid")
                        .add("profile")
                        .add("email")
                        .add("offline_access");
            }
            doc.put("issuer", v2 ? ep.url("/" + tid + "/v2.0") : "https://sts.windows.net/" + tid + "/");
            doc.put("request_uri_parameter_supported", false);
            doc.put("userinfo_endpoint", "https://" + cloud.graphHost() + "/oidc/userinfo");
            doc.put("authorization_endpoint", base + (v2 ? "/oauth2/v2.0/authorize" : "/oauth2/authorize"));
            doc.put("device_authorization_endpoint", base + (v2 ? "/oauth2/v2.0/devicecode" : "/oauth2/devicecode"));
            doc.put("http_logout_supported", true);
            doc.put("frontchannel_logout_supported", true);
            doc.put("end_session_endpoint", base + (v2 ? "/oauth2/v2.0/logout" : "/oauth2/logout"));
            ArrayNode claims = doc.putArray("claims_supported");
            for (String c : new String[] {
                "sub",
                "iss",
                "cloud_instance_name",
                "cloud_instance_host_name",
                "cloud_graph_host_name",
                "msgraph_host",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "acr",
                "nonce",
                "preferred_username",
                "name",
                "tid",
                "ver",
                "at_hash",
                "c_hash",
                "email"
            }) {
                claims.add(c);
            }
            doc.put("kerberos_endpoint", base + "/kerberos");
            if (ref.tenant() != null) {
                doc.put("tenant_region_scope", cloud.tenantRegionScope());
            } else {
                doc.putNull("tenant_region_scope");
            }
            doc.put("cloud_instance_name", cloud.cloudInstanceName());
            doc.put("cloud_graph_host_name", cloud == Cloud.CHINA ? "graph.chinacloudapi.cn" : "graph.windows.net");
            doc.put("msgraph_host", cloud.graphHost());
            doc.put("rbac_url", "https://pas.windows.net");
            return Reply.json(200, doc.toString()).header("Cache-Control", "max-age=86400, private");
        } catch (EntraException e) {
            return ctx.errorJson(e, r);
        }
    }

    Reply keys(EntraRequest r, String tenantSegment) {
        try {
            if (tenantSegment != null) {
                ctx.tenantRef(tenantSegment, r.endpoint().cloud());
            }
            ObjectNode jwks = ctx.keys.jwks(r.endpoint().url("/{tenantid}/v2.0"));
            return Reply.json(200, jwks.toString()).header("Cache-Control", "max-age=86400, private");
        } catch (EntraException e) {
            return ctx.errorJson(e, r);
        }
    }

    /**
     * MSAL's instance discovery. Aliases are this listener's host: the emulator is its own
     * instance, so MSAL caches tokens under it and never calls the real cloud.
     */
    Reply instanceDiscovery(EntraRequest r) {
        String authorize = r.queryParam("authorization_endpoint");
        String host = r.endpoint().baseUrl().getHost();
        String tenant = "common";
        if (authorize != null) {
            URI uri;
            try {
                uri = URI.create(authorize);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !uri.getHost().equalsIgnoreCase(host)) {
                ObjectNode err = EntraContext.JSON.createObjectNode();
                EntraException e =
                        new EntraException(400, "invalid_instance", 50049, "Unknown or invalid instance.", null);
                err.put("error", e.error());
                err.put("error_description", ctx.description(e, r));
                err.putArray("error_codes").add(e.code());
                err.put("timestamp", ctx.timestamp());
                err.put("trace_id", r.traceId());
                err.put("correlation_id", r.correlationId());
                err.put("error_uri", ctx.errorUri(e, r));
                return Reply.json(400, err.toString());
            }
            String[] segments = uri.getPath().split("/");
            if (segments.length > 1 && !segments[1].isEmpty()) {
                tenant = segments[1];
            }
        }
        ObjectNode doc = EntraContext.JSON.createObjectNode();
        doc.put("tenant_discovery_endpoint", r.endpoint().url("/" + tenant + "/v2.0/.well-known/openid-configuration"));
        doc.put("api-version", "1.1");
        ObjectNode entry = doc.putArray("metadata").addObject();
        entry.put("preferred_network", host);
        entry.put("preferred_cache", host);
        entry.putArray("aliases").add(host);
        return Reply.json(200, doc.toString());
    }
}
