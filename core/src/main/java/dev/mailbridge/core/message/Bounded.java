package dev.mailbridge.core.message;

import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.SharedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;

/**
 * Angus Mail's parsing classes with the parser's limits built in: header blocks stop at {@link
 * MimeParser.Limits#maxHeaderCount} fields, a multipart stops at {@link MimeParser.Limits#maxParts}
 * parts in the whole message, before the excess is held in memory.
 */
final class Bounded {
    private Bounded() {}

    /** Thrown from inside Angus Mail's parsing when a limit is exceeded; becomes a {@link MessageParseException}. */
    static final class LimitExceeded extends RuntimeException {
        LimitExceeded(String message) {
            super(message, null, false, false);
        }
    }

    /** Counts parts across the whole message. */
    static final class Budget {
        final MimeParser.Limits limits;
        int parts;

        Budget(MimeParser.Limits limits) {
            this.limits = limits;
        }

        void part(String path) {
            if (++parts > limits.maxParts()) {
                throw new LimitExceeded(
                        "more than " + limits.maxParts() + " MIME parts (Limits.maxParts) at part " + path);
            }
        }
    }

    /** A header block with at most {@code max} fields; remembers the first line that is not a field. */
    static final class Headers extends InternetHeaders {
        private final int max;
        private final String where;
        private int fields;
        private int lines;
        String firstMalformedLine;
        int firstMalformedLineNumber;

        Headers(int max, String where) {
            super();
            this.headers = new ArrayList<>();
            this.max = max;
            this.where = where;
        }

        @Override
        public void addHeaderLine(String line) {
            lines++;
            boolean continuation = !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
            if (!continuation) {
                if (fields == 0 && lines == 1 && line.startsWith("From ")) {
                    return; // an mbox separator line ("From sender date"): not part of the message
                }
                if (++fields > max) {
                    throw new LimitExceeded(where + " has more than " + max + " header fields (Limits.maxHeaderCount)");
                }
                int colon = line.indexOf(':');
                if ((colon <= 0 || !isFieldName(line, colon)) && firstMalformedLine == null) {
                    firstMalformedLine = line;
                    firstMalformedLineNumber = lines;
                }
            }
            super.addHeaderLine(line);
        }

        int fields() {
            return fields;
        }

        private static boolean isFieldName(String line, int colon) {
            for (int i = 0; i < colon; i++) {
                char c = line.charAt(i);
                if (c <= 32 || c >= 127) {
                    // RFC 5322 field names are printable ASCII; trailing blanks before the colon are
                    // obsolete syntax that is still seen, so allow them
                    return line.substring(i, colon).isBlank() && i > 0;
                }
            }
            return true;
        }
    }

    /** The top-level message; {@link #load} parses it (the constructor cannot, the limits not being set yet). */
    static final class Message extends MimeMessage {
        private final MimeParser.Limits limits;
        private Headers bounded;

        Message(Session session, MimeParser.Limits limits) {
            super(session);
            this.limits = limits;
        }

        void load(InputStream in) throws MessagingException {
            parse(in);
        }

        Headers boundedHeaders() {
            return bounded;
        }

        @Override
        protected InternetHeaders createInternetHeaders(InputStream is) throws MessagingException {
            bounded = new Headers(limits.maxHeaderCount(), "the message");
            bounded.load(is, true);
            return bounded;
        }
    }

    /** A multipart whose parts are {@link Part}s, counted against the message's {@link Budget}. */
    static final class Multipart extends MimeMultipart {
        private final Budget budget;
        private final String path;
        private int created;

        Multipart(DataSource ds, Budget budget, String path) throws MessagingException {
            super(ds);
            this.budget = budget;
            this.path = path;
            this.ignoreMissingEndBoundary = true;
            this.ignoreMissingBoundaryParameter = true;
            this.allowEmpty = true;
        }

        @Override
        protected MimeBodyPart createMimeBodyPart(InputStream is) throws MessagingException {
            String partPath = MimeParser.child(path, ++created);
            budget.part(partPath);
            return new Part(is, budget.limits.maxHeaderCount(), partPath);
        }

        @Override
        protected MimeBodyPart createMimeBodyPart(InternetHeaders headers, byte[] content) throws MessagingException {
            String partPath = MimeParser.child(path, ++created);
            budget.part(partPath);
            return super.createMimeBodyPart(headers, content);
        }

        @Override
        protected InternetHeaders createInternetHeaders(InputStream is) throws MessagingException {
            Headers h = new Headers(budget.limits.maxHeaderCount(), "part " + MimeParser.child(path, created + 1));
            h.load(is, true);
            return h;
        }
    }

    /** A body part read from a shared stream, its header block bounded. */
    static final class Part extends MimeBodyPart {
        Part(InputStream is, int maxHeaders, String path) throws MessagingException {
            super();
            Headers h = new Headers(maxHeaders, "part " + path);
            h.load(is, true);
            this.headers = h;
            if (is instanceof SharedInputStream sis) {
                this.contentStream = sis.newStream(sis.getPosition(), -1);
            } else {
                try {
                    this.content = is.readAllBytes();
                } catch (IOException e) {
                    throw new MessagingException("cannot read part " + path, e);
                }
            }
        }
    }
}
