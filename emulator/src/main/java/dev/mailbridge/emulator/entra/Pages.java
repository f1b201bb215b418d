package dev.mailbridge.emulator.entra;

import java.util.Collection;
import java.util.Map;

/**
 * The server-rendered pages: plain HTML forms that work without JavaScript and that tests submit
 * with java.net.http. Every dynamic value goes through {@link #esc}. Field names are part of the
 * emulator's contract (see README-entra.md): flow, login, passwd, mfaCode, accept, otc.
 */
final class Pages {
    private Pages() {}

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + esc(title) + "</title>"
                + "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
                + "label{display:block;margin-top:1rem}input[type=text],input[type=password],input[type=email]"
                + "{width:100%;padding:.5rem;font-size:1rem}button{margin-top:1rem;padding:.5rem 1.5rem;"
                + "font-size:1rem}.error{color:#a80000}.muted{color:#555;font-size:.9rem}</style>"
                + "</head><body><main>\n<p class=\"muted\">Mailbridge emulator &middot; Microsoft Entra ID</p>\n"
                + body + "\n</main></body></html>\n";
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">";
    }

    private static String errorBlock(String error) {
        return error == null ? "" : "<p class=\"error\" role=\"alert\" id=\"error\">" + esc(error) + "</p>\n";
    }

    static String signIn(String action, String flowId, String appName, String tenantName, String login, String error) {
        return page(
                "Sign in to your account",
                "<h1>Sign in</h1>\n<p>to continue to <strong>" + esc(appName) + "</strong>"
                        + (tenantName == null ? "" : " (" + esc(tenantName) + ")") + "</p>\n"
                        + errorBlock(error)
                        + "<form method=\"post\" action=\"" + esc(action) + "\" id=\"signin\">"
                        + hidden("flow", flowId)
                        + "<label for=\"login\">Email or user name</label>"
                        + "<input type=\"email\" id=\"login\" name=\"login\" autocomplete=\"username\" required value=\""
                        + esc(login) + "\">"
                        + "<label for=\"passwd\">Password</label>"
                        + "<input type=\"password\" id=\"passwd\" name=\"passwd\" autocomplete=\"current-password\">"
                        + "<button type=\"submit\">Sign in</button></form>");
    }

    static String mfa(String action, String flowId, String upn, String error) {
        return page(
                "Verify your identity",
                "<h1>Verify your identity</h1>\n<p>" + esc(upn) + " must use multi-factor authentication."
                        + " Enter the code from your authenticator app (in the emulator: 123456).</p>\n"
                        + errorBlock(error)
                        + "<form method=\"post\" action=\"" + esc(action) + "\" id=\"mfa\">" + hidden("flow", flowId)
                        + "<label for=\"mfaCode\">Code</label>"
                        + "<input type=\"text\" id=\"mfaCode\" name=\"mfaCode\" inputmode=\"numeric\""
                        + " autocomplete=\"one-time-code\">"
                        + "<button type=\"submit\">Verify</button></form>");
    }

    static String consent(
            String action, String flowId, String appName, String upn, Collection<String> permissions, boolean admin) {
        StringBuilder list = new StringBuilder("<ul id=\"permissions\">");
        for (String p : permissions) {
            list.append("<li>").append(esc(p)).append("</li>");
        }
        list.append("</ul>");
        return page(
                "Permissions requested",
                "<h1>Permissions requested</h1>\n<p><strong>" + esc(appName) + "</strong> wants to:</p>\n" + list
                        + (admin
                                ? "<p>Accepting grants these permissions for all users of your organization.</p>"
                                : "<p>Signed in as " + esc(upn) + ".</p>")
                        + "<form method=\"post\" action=\"" + esc(action) + "\" id=\"consent\">"
                        + hidden("flow", flowId)
                        + "<button type=\"submit\" name=\"accept\" value=\"yes\">Accept</button> "
                        + "<button type=\"submit\" name=\"accept\" value=\"no\">Cancel</button></form>");
    }

    static String deviceEntry(String action, String error) {
        return page(
                "Enter code",
                "<h1>Enter code</h1>\n<p>Enter the code displayed on your app or device.</p>\n" + errorBlock(error)
                        + "<form method=\"post\" action=\"" + esc(action) + "\" id=\"devicelogin\">"
                        + "<label for=\"otc\">Code</label>"
                        + "<input type=\"text\" id=\"otc\" name=\"otc\" autocomplete=\"off\" required>"
                        + "<button type=\"submit\">Next</button></form>");
    }

    static String message(String title, String text) {
        return page(title, "<h1>" + esc(title) + "</h1>\n<p id=\"message\">" + esc(text) + "</p>");
    }

    /** Entra's error page: the AADSTS text and the ids support would ask for. Never redirects. */
    static String error(EntraException e, String traceId, String correlationId, String timestamp) {
        return page(
                "Sign in error",
                "<h1>Sorry, but we're having trouble signing you in.</h1>\n"
                        + "<p id=\"error-code\" data-error=\"" + esc(e.error()) + "\" data-code=\"" + e.code() + "\">"
                        + esc(e.aadsts()) + "</p>\n"
                        + "<dl><dt>Request Id</dt><dd id=\"trace-id\">" + esc(traceId) + "</dd>"
                        + "<dt>Correlation Id</dt><dd id=\"correlation-id\">" + esc(correlationId) + "</dd>"
                        + "<dt>Timestamp</dt><dd id=\"timestamp\">" + esc(timestamp) + "</dd></dl>");
    }

    /** response_mode=form_post: posts the result to the app; the button covers browsers without JS. */
    static String formPost(String redirectUri, Map<String, String> params) {
        StringBuilder fields = new StringBuilder();
        params.forEach((k, v) -> fields.append(hidden(k, v)));
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Working...</title></head>"
                + "<body><form method=\"POST\" name=\"hiddenform\" action=\"" + esc(redirectUri) + "\">" + fields
                + "<noscript><p>Script is disabled. Click Submit to continue.</p>"
                + "<button type=\"submit\">Submit</button></noscript></form>"
                + "<script>document.forms[0].submit();</script></body></html>\n";
    }
}
