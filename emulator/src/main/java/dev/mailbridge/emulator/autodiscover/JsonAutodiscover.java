package dev.mailbridge.emulator.autodiscover;

import dev.mailbridge.emulator.Endpoint;
import dev.mailbridge.emulator.entra.EntraDirectory;
import dev.mailbridge.emulator.server.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Autodiscover v2 ({@code GET /autodiscover/autodiscover.json}), anonymous: both the query form
 * ({@code ?Email=...&Protocol=EWS&RedirectCount=N}) and the path form
 * ({@code /autodiscover/autodiscover.json/v1.0/<address>?Protocol=EWS}). Answers
 * {@code {"Protocol":"EWS","Url":".../EWS/Exchange.asmx"}} with the Protocol echoed as sent.
 */
final class JsonAutodiscover {
    /** Protocols answered, with the canonical spelling used in the InvalidProtocol message. */
    static final List<String> PROTOCOLS = List.of("Rest", "ActiveSync", "Ews", "AutodiscoverV1");

    private JsonAutodiscover() {}

    static Reply handle(
            String address,
            String protocol,
            int redirectCount,
            Endpoint endpoint,
            EntraDirectory directory,
            AutodiscoverSettings settings) {
        String canonical = protocol == null
                ? null
                : PROTOCOLS.stream()
                        .filter(p -> p.equalsIgnoreCase(protocol))
                        .findFirst()
                        .orElse(null);
        if (canonical == null) {
            return error(
                    400,
                    "InvalidProtocol",
                    "The given protocol value '" + (protocol == null ? "" : protocol)
                            + "' is invalid. Supported values are '" + String.join(",", PROTOCOLS) + "'");
        }
        if (address == null || address.isBlank() || address.indexOf('@') <= 0) {
            return error(
                    400,
                    "InvalidUser",
                    "The given email address '" + (address == null ? "" : address) + "' is invalid.");
        }
        AutodiscoverSettings.Redirect redirect = settings.redirectFor(address);
        if (redirect != null) {
            String base;
            String target;
            if (redirect.isUrl()) {
                URI uri = URI.create(redirect.to());
                base = uri.getScheme() + "://" + uri.getRawAuthority();
                target = address;
            } else {
                base = endpoint.baseUrl().toString();
                target = redirect.targetAddress(address);
            }
            return Reply.redirect(base + "/autodiscover/autodiscover.json?Email=" + encode(target) + "&Protocol="
                    + encode(protocol) + "&RedirectCount=" + (redirectCount + 1));
        }
        Mailbox mailbox = Mailbox.resolve(directory, address);
        if (mailbox == null) {
            return error(404, "InvalidUser", "The email address '" + address + "' can't be found.");
        }
        String url = switch (canonical) {
            case "Ews" -> AutodiscoverService.ewsUrl(endpoint);
            case "AutodiscoverV1" -> endpoint.url(AutodiscoverService.POX_PATH);
            case "ActiveSync" -> endpoint.url("/Microsoft-Server-ActiveSync");
            default -> endpoint.url("/api");
        };
        return Reply.json(
                200, Json.write(Json.object().put("Protocol", protocol).put("Url", url)));
    }

    static Reply error(int status, String code, String message) {
        return Reply.json(
                status, Json.write(Json.object().put("ErrorCode", code).put("ErrorMessage", message)));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
