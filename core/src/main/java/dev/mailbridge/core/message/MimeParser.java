package dev.mailbridge.core.message;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParsePosition;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.util.DecodingException;

/**
 * Parses an RFC 5322 message (the MIME content of a received item) into a {@link ReceivedMessage}, and
 * streams an attachment's content out of it again ({@link #openAttachment}). Thread-safe; make one and
 * share it.
 *
 * <h2>Reading</h2>
 *
 * <ul>
 *   <li>The input is copied once: in memory up to {@link Limits#memoryThresholdBytes}, into a
 *       temporary file beyond it (deleted when parsing ends). Angus Mail then reads parts by offset
 *       from that copy; attachments are streamed through SHA-256 to get their size and digest, never
 *       held whole.
 *   <li>Angus Mail runs in a private {@link Session} (no system or default-session properties), with
 *       raw UTF-8 allowed in headers (RFC 6532). RFC 2047 encoded words are decoded in the subject,
 *       display names, header values and file names; RFC 2231 parameters (file names) are decoded.
 *   <li>Bodies: the first {@code text/plain} and the first {@code text/html} part that are neither an
 *       attachment (disposition or file name) nor inside a {@code message/rfc822}; in {@code
 *       multipart/alternative} these are its two alternatives. A later text part becomes an
 *       attachment, so nothing is lost. The declared charset is used (ISO-8859-1 read as its
 *       superset windows-1252); when it is missing, unknown or US-ASCII, UTF-8 if the bytes are valid
 *       UTF-8, windows-1252 otherwise.
 *   <li>Attachments: every other leaf part, {@code message/rfc822} parts as a whole (not opened) and
 *       the parts of a {@code multipart/report} (a bounce's status and returned message) included.
 * </ul>
 *
 * <h2>Automation ({@link AutoSubmitted})</h2>
 *
 * First match, in this order: {@link AutoSubmitted#BOUNCE} for {@code Content-Type: multipart/report;
 * report-type=delivery-status}, {@code X-Failed-Recipients}, or a sender address whose local part is
 * {@code MAILER-DAEMON} or {@code postmaster}; then {@code Auto-Submitted} other than {@code no}:
 * {@code auto-replied} is {@link AutoSubmitted#AUTO_REPLY}, any other value {@link
 * AutoSubmitted#AUTO_GENERATED}; {@code X-Autoreply}, {@code X-Autorespond} or {@code Precedence:
 * auto_reply}: {@link AutoSubmitted#AUTO_REPLY}; {@code List-Id}, {@code List-Unsubscribe} or {@code
 * Precedence: list}: {@link AutoSubmitted#LIST}; {@code Precedence: bulk} or {@code junk}, {@code
 * X-Auto-Response-Suppress} with {@code All}, {@code OOF} or {@code AutoReply}, or another {@code
 * multipart/report} (a read receipt): {@link AutoSubmitted#AUTO_GENERATED}.
 *
 * <h2>Failures and limits</h2>
 *
 * Malformed input and input beyond a {@link Limits limit} raise {@link MessageParseException} saying
 * what is wrong and where; an {@link IOException} only comes from the caller's stream (or the temporary
 * file). The defaults ({@link Limits#DEFAULTS}): a message up to 150 MiB (Exchange Online's largest),
 * a top-level header section up to 1 MiB, 1,000 header fields per header block, multiparts nested 20
 * deep, 1,000 MIME parts, bodies cut at 4 MiB each, 256 Ki characters of headers kept in the event,
 * messages above 1 MiB spooled to a temporary file.
 */
public final class MimeParser {

    /**
     * The parser's bounds.
     *
     * @param maxMessageBytes the largest message accepted
     * @param maxHeaderBytes the largest top-level header section (up to the first empty line)
     * @param maxHeaderCount the most header fields in any one header block (the message's or a part's)
     * @param maxDepth the deepest nesting of multiparts
     * @param maxParts the most MIME parts in the whole message
     * @param maxBodyBytes the most decoded bytes kept of each body; the rest is cut ({@code
     *     bodyTruncated})
     * @param maxStoredHeaderChars the most characters (names and values) of headers kept in {@link
     *     ReceivedMessage#headers()}; fields that would go beyond are left off ({@code headersTruncated})
     * @param memoryThresholdBytes messages larger than this are spooled to a temporary file
     */
    public record Limits(
            long maxMessageBytes,
            int maxHeaderBytes,
            int maxHeaderCount,
            int maxDepth,
            int maxParts,
            int maxBodyBytes,
            int maxStoredHeaderChars,
            int memoryThresholdBytes) {

        public static final Limits DEFAULTS =
                new Limits(150L * 1024 * 1024, 1024 * 1024, 1000, 20, 1000, 4 * 1024 * 1024, 256 * 1024, 1024 * 1024);

        public Limits {
            if (maxMessageBytes <= 0
                    || maxHeaderBytes <= 0
                    || maxHeaderCount <= 0
                    || maxDepth <= 0
                    || maxParts <= 0
                    || maxBodyBytes <= 0
                    || maxStoredHeaderChars < 0
                    || memoryThresholdBytes < 0) {
                throw new IllegalArgumentException("every limit must be positive: " + this);
            }
        }
    }

    private static final Pattern OBS_YEAR =
            Pattern.compile("^((?:[A-Za-z]{3}, ?)?\\d{1,2} [A-Za-z]{3} )(\\d{2,3})(?= )");
    private static final Pattern ANGLE_ID = Pattern.compile("<([^<>]*)>");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    private final Limits limits;
    private final Path tempDir;
    private final Session session;

    /** With {@link Limits#DEFAULTS} and the system's temporary directory. */
    public MimeParser() {
        this(Limits.DEFAULTS, null);
    }

    /**
     * @param tempDir where large messages are spooled; {@code null} for the system's temporary
     *     directory
     */
    public MimeParser(Limits limits, Path tempDir) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.tempDir = tempDir;
        Properties props = new Properties();
        props.setProperty("mail.mime.allowutf8", "true");
        props.setProperty("mail.mime.address.strict", "false");
        this.session = Session.getInstance(props);
    }

    public Limits limits() {
        return limits;
    }

    /**
     * Parses a whole message. The stream is read to its end but not closed.
     *
     * @param mailbox the address of the mailbox it arrived in
     * @param itemId the transport's item id, or {@code null}
     * @throws MessageParseException the message is malformed or beyond a limit
     * @throws IOException reading {@code mime} failed
     */
    public ReceivedMessage parse(InputStream mime, String mailbox, String itemId) throws IOException {
        Objects.requireNonNull(mime, "mime");
        try (Spool spool = Spool.of(mime, limits, tempDir)) {
            Bounded.Message m = load(spool);
            Walk walk = walk(m);
            try {
                return build(m, walk, spool.size(), mailbox, itemId);
            } catch (MessagingException e) {
                throw new MessageParseException(describe(walk.current) + ": " + e.getMessage(), e);
            } catch (Bounded.LimitExceeded e) {
                throw new MessageParseException(e.getMessage());
            }
        }
    }

    /**
     * Opens the decoded content of attachment {@code index} ({@link AttachmentInfo#index()}) of a
     * message, for streaming it out; close the result.
     *
     * @throws NoSuchElementException the message has no such attachment
     * @throws MessageParseException the message is malformed or beyond a limit
     */
    public AttachmentContent openAttachment(InputStream mime, int index) throws IOException {
        Objects.requireNonNull(mime, "mime");
        if (index < 0) {
            throw new IllegalArgumentException("attachment index must be 0 or more: " + index);
        }
        Spool spool = Spool.of(mime, limits, tempDir);
        boolean ok = false;
        try {
            Walk walk = walk(load(spool));
            List<Leaf> attachments =
                    walk.leaves.stream().filter(l -> l.role == Role.ATTACHMENT).toList();
            if (index >= attachments.size()) {
                throw new NoSuchElementException(
                        "the message has " + attachments.size() + " attachment(s); there is no attachment " + index);
            }
            Leaf leaf = attachments.get(index);
            walk.current = leaf.path;
            AttachmentContent content = new AttachmentContent(
                    index,
                    attachmentName(leaf),
                    leaf.type,
                    contentId(leaf.part),
                    inline(leaf.part),
                    decoded(leaf.part),
                    spool);
            ok = true;
            return content;
        } catch (MessagingException e) {
            throw new MessageParseException("attachment " + index + ": " + e.getMessage(), e);
        } finally {
            if (!ok) {
                spool.close();
            }
        }
    }

    // ---- structure --------------------------------------------------------------------------------

    private enum Role {
        TEXT,
        HTML,
        ATTACHMENT
    }

    private record Leaf(MimePart part, String path, String type, Role role) {}

    private static final class Walk {
        final Bounded.Budget budget;
        final List<Leaf> leaves = new ArrayList<>();
        boolean text;
        boolean html;
        String current = "";

        Walk(Limits limits) {
            this.budget = new Bounded.Budget(limits);
        }
    }

    private Bounded.Message load(Spool spool) {
        Bounded.Message m = new Bounded.Message(session, limits);
        try {
            m.load(spool.stream());
        } catch (Bounded.LimitExceeded e) {
            throw new MessageParseException(e.getMessage());
        } catch (MessagingException e) {
            throw new MessageParseException("cannot read the header section: " + e.getMessage(), e);
        }
        Bounded.Headers h = m.boundedHeaders();
        if (h == null || h.fields() == 0) {
            throw new MessageParseException(
                    "the message has no header section: it must start with 'Name: value' header fields");
        }
        if (h.firstMalformedLine != null) {
            throw new MessageParseException("line " + h.firstMalformedLineNumber
                    + " of the header section is not a 'Name: value' header field: \""
                    + abbreviate(h.firstMalformedLine, 80) + "\" (a missing empty line between header and body?)");
        }
        return m;
    }

    private Walk walk(Bounded.Message m) {
        Walk walk = new Walk(limits);
        try {
            walk(m, "", 0, walk);
        } catch (Bounded.LimitExceeded e) {
            throw new MessageParseException(e.getMessage());
        } catch (MessagingException e) {
            throw new MessageParseException(describe(walk.current) + ": " + e.getMessage(), e);
        }
        return walk;
    }

    private void walk(MimePart part, String path, int depth, Walk walk) throws MessagingException {
        walk.current = path;
        String type = baseType(part);
        if (type.startsWith("multipart/")) {
            if (depth >= limits.maxDepth()) {
                throw new Bounded.LimitExceeded("multiparts nested more than " + limits.maxDepth()
                        + " deep (Limits.maxDepth) at " + describe(path));
            }
            Bounded.Multipart multipart = new Bounded.Multipart(new MimePartDataSource(part), walk.budget, path);
            int count;
            try {
                count = multipart.getCount();
            } catch (MessagingException e) {
                throw new MessageParseException(
                        describe(path) + " (" + type + "): cannot be split into its parts: " + e.getMessage()
                                + boundaryHint(part),
                        e);
            }
            for (int i = 0; i < count; i++) {
                walk((MimePart) multipart.getBodyPart(i), child(path, i + 1), depth + 1, walk);
            }
            return;
        }
        if (!isAttachmentDisposition(part) && filename(part) == null) {
            if (type.equals("text/plain") && !walk.text) {
                walk.text = true;
                walk.leaves.add(new Leaf(part, path, type, Role.TEXT));
                return;
            }
            if (type.equals("text/html") && !walk.html) {
                walk.html = true;
                walk.leaves.add(new Leaf(part, path, type, Role.HTML));
                return;
            }
        }
        walk.leaves.add(new Leaf(part, path, type, Role.ATTACHMENT));
    }

    private static String boundaryHint(MimePart part) {
        try {
            String boundary = new ContentType(part.getHeader("Content-Type", null)).getParameter("boundary");
            return boundary == null
                    ? " (the Content-Type has no boundary parameter)"
                    : " (boundary \"--" + boundary + "\" not found)";
        } catch (MessagingException | RuntimeException e) {
            return "";
        }
    }

    static String child(String path, int n) {
        return path.isEmpty() ? Integer.toString(n) : path + "." + n;
    }

    private static String describe(String path) {
        return path == null || path.isEmpty() ? "the message" : "part " + path;
    }

    // ---- building the record ----------------------------------------------------------------------

    private ReceivedMessage build(Bounded.Message m, Walk walk, long size, String mailbox, String itemId)
            throws MessagingException, IOException {
        String text = null;
        String html = null;
        boolean truncated = false;
        List<AttachmentInfo> attachments = new ArrayList<>();
        for (Leaf leaf : walk.leaves) {
            walk.current = leaf.path;
            switch (leaf.role) {
                case TEXT, HTML -> {
                    Body body = readBody(leaf);
                    truncated |= body.truncated;
                    if (leaf.role == Role.TEXT) {
                        text = body.text;
                    } else {
                        html = body.text;
                    }
                }
                case ATTACHMENT -> attachments.add(describeAttachment(leaf, attachments.size()));
            }
        }
        walk.current = "";

        List<Header> headers = new ArrayList<>();
        boolean headersTruncated = false;
        long used = 0;
        for (Enumeration<jakarta.mail.Header> e = m.getAllHeaders(); e.hasMoreElements(); ) {
            jakarta.mail.Header h = e.nextElement();
            String value = decodeHeader(h.getValue());
            long cost = h.getName().length() + (long) value.length();
            if (used + cost > limits.maxStoredHeaderChars()) {
                headersTruncated = true;
                continue;
            }
            used += cost;
            headers.add(new Header(h.getName(), value));
        }

        List<EmailAddress> fromList = addresses(m, "From");
        EmailAddress from = fromList.isEmpty() ? null : fromList.get(0);
        List<EmailAddress> senderList = addresses(m, "Sender");
        Automation.Result automation = Automation.classify(m, from);
        List<String> inReplyTo = ids(m.getHeader("In-Reply-To", " "));
        String threadIndex = trimmed(m.getHeader("Thread-Index", null));
        return new ReceivedMessage(
                mailbox,
                itemId,
                first(ids(m.getHeader("Message-ID", null))),
                first(inReplyTo),
                ids(m.getHeader("References", " ")),
                conversationId(threadIndex),
                decodedHeader(m, "Thread-Topic"),
                threadIndex,
                date(m.getHeader("Date", null)),
                from,
                senderList.isEmpty() ? null : senderList.get(0),
                addresses(m, "Reply-To"),
                addresses(m, "To"),
                addresses(m, "Cc"),
                addresses(m, "Bcc"),
                decodedHeader(m, "Subject"),
                text,
                html,
                truncated,
                attachments,
                headers,
                headersTruncated,
                size,
                automation.kind(),
                automation.reason());
    }

    private record Body(String text, boolean truncated) {}

    private Body readBody(Leaf leaf) throws MessagingException, IOException {
        int max = limits.maxBodyBytes();
        byte[] bytes;
        boolean truncated;
        try (InputStream in = decoded(leaf.part)) {
            bytes = in.readNBytes(max);
            truncated = bytes.length == max && in.read() != -1;
        } catch (DecodingException e) {
            throw undecodable(leaf, e);
        }
        String text = decodeText(bytes, charset(leaf.part), truncated);
        return new Body(text.replace("\r\n", "\n"), truncated);
    }

    private AttachmentInfo describeAttachment(Leaf leaf, int index) throws MessagingException, IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = decoded(leaf.part)) {
            int n;
            while ((n = in.read(buf)) != -1) {
                sha.update(buf, 0, n);
                size += n;
            }
        } catch (DecodingException e) {
            throw undecodable(leaf, e);
        }
        return new AttachmentInfo(
                index,
                attachmentName(leaf),
                leaf.type,
                size,
                contentId(leaf.part),
                inline(leaf.part),
                HexFormat.of().formatHex(sha.digest()));
    }

    private static MessageParseException undecodable(Leaf leaf, DecodingException e) {
        String encoding;
        try {
            encoding = leaf.part.getEncoding();
        } catch (MessagingException ignored) {
            encoding = "transfer-encoded";
        }
        return new MessageParseException(
                describe(leaf.path) + " (" + leaf.type + "): cannot decode its " + encoding + " content: "
                        + e.getMessage(),
                e);
    }

    // ---- parts ------------------------------------------------------------------------------------

    /** The part's content with its Content-Transfer-Encoding undone; an unknown encoding is passed through. */
    private static InputStream decoded(MimePart part) throws MessagingException {
        InputStream raw =
                part instanceof MimeBodyPart b ? b.getRawInputStream() : ((MimeMessage) part).getRawInputStream();
        String encoding;
        try {
            encoding = part.getEncoding();
        } catch (MessagingException e) {
            encoding = null;
        }
        if (encoding == null) {
            return raw;
        }
        return switch (encoding.trim().toLowerCase(Locale.ROOT)) {
            case "base64", "quoted-printable", "uuencode", "x-uuencode", "x-uue" -> MimeUtility.decode(raw, encoding);
            default -> raw;
        };
    }

    private static String baseType(MimePart part) throws MessagingException {
        String raw = part.getHeader("Content-Type", null);
        if (raw == null || raw.isBlank()) {
            return "text/plain";
        }
        try {
            return new ContentType(raw).getBaseType().toLowerCase(Locale.ROOT);
        } catch (jakarta.mail.internet.ParseException e) {
            String head = raw.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            return head.matches("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+") ? head : "application/octet-stream";
        }
    }

    private static String charset(MimePart part) throws MessagingException {
        String raw = part.getHeader("Content-Type", null);
        if (raw == null) {
            return null;
        }
        try {
            return new ContentType(raw).getParameter("charset");
        } catch (jakarta.mail.internet.ParseException e) {
            Matcher cs = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\";\\s]+)").matcher(raw);
            return cs.find() ? cs.group(1) : null;
        }
    }

    private static boolean isAttachmentDisposition(MimePart part) throws MessagingException {
        String raw = part.getHeader("Content-Disposition", null);
        return raw != null && raw.trim().toLowerCase(Locale.ROOT).startsWith("attachment");
    }

    private static boolean inline(MimePart part) throws MessagingException {
        String raw = part.getHeader("Content-Disposition", null);
        if (raw == null || raw.isBlank()) {
            return contentId(part) != null;
        }
        return raw.trim().toLowerCase(Locale.ROOT).startsWith("inline");
    }

    private static String contentId(MimePart part) throws MessagingException {
        String raw = part.getHeader("Content-ID", null);
        if (raw == null) {
            return null;
        }
        String id = raw.trim();
        if (id.startsWith("<") && id.endsWith(">")) {
            id = id.substring(1, id.length() - 1).trim();
        }
        return id.isEmpty() ? null : id;
    }

    /** The file name from the disposition or the content type, decoded; {@code null} when none. */
    private static String filename(MimePart part) {
        String name;
        try {
            name = part.getFileName();
        } catch (MessagingException e) {
            name = null; // a malformed disposition or type: look no further
        }
        if (name == null) {
            return null;
        }
        if (name.contains("=?")) {
            try {
                name = MimeUtility.decodeText(name);
            } catch (UnsupportedEncodingException e) {
                // keep it as it is
            }
        }
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1)
                .trim();
        return name.isEmpty() ? null : name;
    }

    private String attachmentName(Leaf leaf) throws MessagingException {
        String name = filename(leaf.part);
        if (name != null || !leaf.type.equals("message/rfc822")) {
            return name;
        }
        String subject = null;
        try (InputStream in = decoded(leaf.part)) {
            Bounded.Headers inner = new Bounded.Headers(limits.maxHeaderCount(), describe(leaf.path));
            inner.load(in, true);
            subject = decodeHeader(inner.getHeader("Subject", null));
        } catch (IOException | MessagingException | Bounded.LimitExceeded e) {
            // nameless then
        }
        String base = subject == null
                ? ""
                : subject.replaceAll("[\\\\/:*?\"<>|\\p{Cntrl}]", "_").trim();
        if (base.length() > 100) {
            base = base.substring(0, 100).trim();
        }
        return (base.isEmpty() ? "message" : base) + ".eml";
    }

    // ---- headers ----------------------------------------------------------------------------------

    private static String decodedHeader(MimeMessage m, String name) throws MessagingException {
        String raw = m.getHeader(name, null);
        return raw == null ? null : decodeHeader(raw);
    }

    private static String decodeHeader(String raw) {
        if (raw == null) {
            return null;
        }
        String unfolded = MimeUtility.unfold(raw).trim();
        if (!unfolded.contains("=?")) {
            return unfolded;
        }
        try {
            return MimeUtility.decodeText(unfolded);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return unfolded;
        }
    }

    private static String trimmed(String raw) {
        if (raw == null) {
            return null;
        }
        String s = MimeUtility.unfold(raw).trim();
        return s.isEmpty() ? null : s;
    }

    private static List<EmailAddress> addresses(MimeMessage m, String name) throws MessagingException {
        String[] values = m.getHeader(name);
        if (values == null) {
            return List.of();
        }
        List<EmailAddress> out = new ArrayList<>();
        for (String value : values) {
            String unfolded = MimeUtility.unfold(value).trim();
            if (unfolded.isEmpty()) {
                continue;
            }
            try {
                for (InternetAddress a : InternetAddress.parseHeader(unfolded, false)) {
                    add(a, out);
                }
            } catch (AddressException e) {
                out.add(EmailAddress.of(decodeHeader(unfolded))); // keep what was there
            }
        }
        return out;
    }

    private static void add(InternetAddress a, List<EmailAddress> out) {
        if (a.isGroup()) {
            try {
                InternetAddress[] members = a.getGroup(false);
                if (members != null) {
                    for (InternetAddress member : members) {
                        add(member, out);
                    }
                }
            } catch (AddressException e) {
                // an unreadable group ("undisclosed-recipients:;" has no members anyway)
            }
            return;
        }
        String address = a.getAddress();
        if (address == null || address.isBlank()) {
            return;
        }
        out.add(new EmailAddress(a.getPersonal(), address.trim()));
    }

    /** The ids of a Message-ID, In-Reply-To or References header, without angle brackets. */
    static List<String> ids(String raw) {
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        String unfolded = MimeUtility.unfold(raw);
        List<String> ids = new ArrayList<>();
        Matcher m = ANGLE_ID.matcher(unfolded);
        while (m.find()) {
            String id = m.group(1).replaceAll("\\s+", "");
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        if (ids.isEmpty()) {
            for (String token : unfolded.trim().split("[\\s,]+")) {
                if (!token.isEmpty()) {
                    ids.add(token);
                }
            }
        }
        return List.copyOf(ids);
    }

    private static String first(List<String> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    /** The Date header with its offset; a lenient fallback for obsolete forms; {@code null} if unreadable. */
    static OffsetDateTime date(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String cleaned =
                MimeUtility.unfold(raw).replaceAll("\\([^)]*\\)", " ").trim().replaceAll("\\s+", " ");
        Matcher year = OBS_YEAR.matcher(cleaned);
        if (year.find()) { // RFC 5322 4.3: 2-digit years from 50 are 19xx, others 20xx; 3-digit + 1900
            int y = Integer.parseInt(year.group(2));
            y += year.group(2).length() == 3 ? 1900 : (y >= 50 ? 1900 : 2000);
            cleaned = year.group(1) + y + cleaned.substring(year.end(2));
        }
        try {
            return OffsetDateTime.parse(cleaned, DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (DateTimeParseException e) {
            Date d = new MailDateFormat().parse(raw, new ParsePosition(0));
            return d == null ? null : OffsetDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC);
        }
    }

    /** The conversation GUID in a Thread-Index (bytes 6 to 21), lower-case hex. */
    static String conversationId(String threadIndex) {
        if (threadIndex == null) {
            return null;
        }
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(threadIndex);
            return bytes.length < 22 ? null : HexFormat.of().formatHex(bytes, 6, 22);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- text -------------------------------------------------------------------------------------

    static String decodeText(byte[] bytes, String declared, boolean truncated) {
        Charset cs = null;
        if (declared != null) {
            try {
                cs = Charset.forName(MimeUtility.javaCharset(declared.trim()));
            } catch (RuntimeException e) {
                cs = null; // unknown or illegal name: guess below
            }
        }
        if (cs != null && !cs.equals(StandardCharsets.US_ASCII) && !cs.equals(StandardCharsets.UTF_8)) {
            return new String(bytes, cs.equals(StandardCharsets.ISO_8859_1) ? WINDOWS_1252 : cs);
        }
        int length = bytes.length;
        if (truncated) { // do not let a sequence cut in half spoil the guess
            int i = length;
            while (i > 0 && length - i < 3 && (bytes[i - 1] & 0xC0) == 0x80) {
                i--;
            }
            if (i > 0 && (bytes[i - 1] & 0xC0) == 0xC0) {
                length = i - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return cs != null && cs.equals(StandardCharsets.UTF_8)
                    ? new String(bytes, 0, length, StandardCharsets.UTF_8)
                    : new String(bytes, 0, length, WINDOWS_1252);
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }
}
