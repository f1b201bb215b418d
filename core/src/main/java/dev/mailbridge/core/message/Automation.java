package dev.mailbridge.core.message;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.util.Locale;

/** Classifies a message as personal or automatic from its headers; see {@link MimeParser}. */
final class Automation {
    private Automation() {}

    record Result(AutoSubmitted kind, String reason) {
        static final Result NONE = new Result(AutoSubmitted.NONE, null);
    }

    static Result classify(MimeMessage m, EmailAddress from) throws MessagingException {
        // 1. Bounces: a delivery status report, a failed-recipients list, a mailer daemon.
        ContentType type = contentType(m.getHeader("Content-Type", null));
        if (type != null && type.match("multipart/report")) {
            String reportType = lower(type.getParameter("report-type"));
            if ("delivery-status".equals(reportType)) {
                return new Result(AutoSubmitted.BOUNCE, "Content-Type: multipart/report; report-type=delivery-status");
            }
        }
        String failed = first(m, "X-Failed-Recipients");
        if (failed != null) {
            return new Result(AutoSubmitted.BOUNCE, "X-Failed-Recipients: " + failed);
        }
        if (from != null) {
            String local = localPart(from.address());
            if (local.equals("mailer-daemon") || local.equals("postmaster")) {
                return new Result(AutoSubmitted.BOUNCE, "From: " + from.address());
            }
        }
        // 2. Auto-replies and other automatic mail per RFC 3834 and the headers vacation programs use.
        String autoSubmitted = first(m, "Auto-Submitted");
        String value = lower(autoSubmitted);
        if (value != null && !value.isEmpty() && !value.startsWith("no")) {
            return value.startsWith("auto-replied")
                    ? new Result(AutoSubmitted.AUTO_REPLY, "Auto-Submitted: " + autoSubmitted)
                    : new Result(AutoSubmitted.AUTO_GENERATED, "Auto-Submitted: " + autoSubmitted);
        }
        for (String name : new String[] {"X-Autoreply", "X-Autorespond"}) {
            String v = first(m, name);
            if (v != null && !"no".equals(lower(v))) {
                return new Result(AutoSubmitted.AUTO_REPLY, name + ": " + v);
            }
        }
        String precedence = first(m, "Precedence");
        String p = lower(precedence);
        if ("auto_reply".equals(p)) {
            return new Result(AutoSubmitted.AUTO_REPLY, "Precedence: " + precedence);
        }
        // 3. Mailing lists.
        String listId = first(m, "List-Id");
        if (listId != null) {
            return new Result(AutoSubmitted.LIST, "List-Id: " + listId);
        }
        String unsubscribe = first(m, "List-Unsubscribe");
        if (unsubscribe != null) {
            return new Result(AutoSubmitted.LIST, "List-Unsubscribe: " + unsubscribe);
        }
        if ("list".equals(p)) {
            return new Result(AutoSubmitted.LIST, "Precedence: " + precedence);
        }
        // 4. Weaker signs of automatic mail.
        if ("bulk".equals(p) || "junk".equals(p)) {
            return new Result(AutoSubmitted.AUTO_GENERATED, "Precedence: " + precedence);
        }
        String suppress = first(m, "X-Auto-Response-Suppress");
        if (suppress != null) {
            String s = lower(suppress);
            if (s.contains("all") || s.contains("oof") || s.contains("autoreply")) {
                return new Result(AutoSubmitted.AUTO_GENERATED, "X-Auto-Response-Suppress: " + suppress);
            }
        }
        if (type != null && type.match("multipart/report")) {
            String reportType = lower(type.getParameter("report-type"));
            if (reportType != null) {
                return new Result(
                        AutoSubmitted.AUTO_GENERATED, "Content-Type: multipart/report; report-type=" + reportType);
            }
        }
        return Result.NONE;
    }

    private static String first(MimeMessage m, String name) throws MessagingException {
        String v = m.getHeader(name, null);
        if (v == null) {
            return null;
        }
        return MimeUtility.unfold(v).trim().replaceAll("\\s+", " ");
    }

    private static ContentType contentType(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            return new ContentType(raw);
        } catch (Exception e) {
            return null;
        }
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String localPart(String address) {
        int at = address.lastIndexOf('@');
        return (at < 0 ? address : address.substring(0, at)).toLowerCase(Locale.ROOT);
    }
}
