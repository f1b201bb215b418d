package dev.mailbridge.emulator.graph;

import dev.mailbridge.emulator.exchange.StoreAccess.Address;
import dev.mailbridge.emulator.exchange.StoreAccess.MessageView;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The OData query options Graph's message lists take: {@code $select}, {@code $top}, {@code $skip},
 * {@code $orderby}, {@code $count} and {@code $filter} with {@code eq ne gt ge lt le}, {@code and or
 * not}, parentheses, {@code startswith}, {@code contains} and {@code categories/any(c:c eq '...')}
 * on the common message properties.
 */
final class ODataQuery {
    /** Graph's default page size for message lists, and the largest $top it accepts. */
    static final int DEFAULT_PAGE = 10;

    static final int MAX_TOP = 1000;

    final List<String> select;
    final Integer top;
    final int skip;
    final boolean count;
    final Predicate<MessageView> filter;
    final List<String> filterProperties;
    final Comparator<MessageView> order;
    final List<String> orderProperties;

    private ODataQuery(
            List<String> select,
            Integer top,
            int skip,
            boolean count,
            Predicate<MessageView> filter,
            List<String> filterProperties,
            Comparator<MessageView> order,
            List<String> orderProperties) {
        this.select = select;
        this.top = top;
        this.skip = skip;
        this.count = count;
        this.filter = filter;
        this.filterProperties = filterProperties;
        this.order = order;
        this.orderProperties = orderProperties;
    }

    static ODataQuery parse(Map<String, String> q) throws GraphError {
        List<String> select = select(q.get("$select"));
        Integer top = null;
        if (q.containsKey("$top")) {
            top = integer("$top", q.get("$top"));
            if (top < 1 || top > MAX_TOP) {
                throw GraphError.badRequest("Invalid value for '$top' query parameter: " + top
                        + ". The value must be between 1 and " + MAX_TOP + ".");
            }
        }
        int skip = q.containsKey("$skip") ? integer("$skip", q.get("$skip")) : 0;
        if (skip < 0) {
            throw GraphError.badRequest("Invalid value for '$skip' query parameter: " + skip + ".");
        }
        boolean count = "true".equalsIgnoreCase(q.get("$count"));
        Predicate<MessageView> filter = m -> true;
        List<String> filterProps = new ArrayList<>();
        if (q.get("$filter") != null && !q.get("$filter").isBlank()) {
            Parser p = new Parser(q.get("$filter"), filterProps);
            filter = p.parseAll();
        }
        Comparator<MessageView> order = null;
        List<String> orderProps = new ArrayList<>();
        if (q.get("$orderby") != null && !q.get("$orderby").isBlank()) {
            for (String part : q.get("$orderby").split(",")) {
                String[] words = part.trim().split("\\s+");
                String prop = words[0];
                boolean desc = words.length > 1 && words[1].equalsIgnoreCase("desc");
                if (words.length > 2 || (words.length == 2 && !desc && !words[1].equalsIgnoreCase("asc"))) {
                    throw GraphError.badRequest("Invalid $orderby clause: '" + part.trim() + "'.");
                }
                value(SAMPLE, prop); // fails now for an unknown property
                Comparator<MessageView> c = comparator(prop);
                if (desc) {
                    c = c.reversed();
                }
                order = order == null ? c : order.thenComparing(c);
                orderProps.add(prop);
            }
        }
        return new ODataQuery(select, top, skip, count, filter, filterProps, order, orderProps);
    }

    private static List<String> select(String raw) throws GraphError {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String s : raw.split(",")) {
            String p = s.trim();
            if (!MessageJson.SELECTABLE.contains(p)) {
                throw new GraphError(
                        400,
                        "RequestBroker--ParseUri",
                        "Could not find a property named '" + p + "' on type 'microsoft.graph.message'.");
            }
            out.add(p);
        }
        return out;
    }

    static int integer(String name, String v) throws GraphError {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw GraphError.badRequest("Invalid value for '" + name + "' query parameter: '" + v + "'.");
        }
    }

    /**
     * Exchange refuses a sort that the filter does not support: every $orderby property must also
     * appear in the $filter, in the same order, before the others.
     */
    void checkSortAgainstFilter() throws GraphError {
        if (orderProperties.isEmpty() || filterProperties.isEmpty()) {
            return;
        }
        for (int i = 0; i < orderProperties.size(); i++) {
            if (i >= filterProperties.size() || !filterProperties.get(i).equalsIgnoreCase(orderProperties.get(i))) {
                throw new GraphError(
                        400, "InefficientFilter", "The restriction or sort order is too complex for this operation.");
            }
        }
    }

    /** Filters and sorts (newest first unless $orderby says otherwise). */
    List<MessageView> apply(List<MessageView> all) {
        List<MessageView> out = new ArrayList<>();
        for (MessageView m : all) {
            if (filter.test(m)) {
                out.add(m);
            }
        }
        Comparator<MessageView> newest = Comparator.comparing(MessageView::received)
                .thenComparingLong(MessageView::seq)
                .reversed();
        out.sort(order == null ? newest : order.thenComparing(newest));
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparator<MessageView> comparator(String prop) {
        return (a, b) -> {
            Comparable x = (Comparable) valueOrNull(a, prop);
            Comparable y = (Comparable) valueOrNull(b, prop);
            if (x == null || y == null) {
                return x == null ? (y == null ? 0 : -1) : 1;
            }
            return x.compareTo(y);
        };
    }

    private static Object valueOrNull(MessageView m, String prop) {
        try {
            return value(m, prop);
        } catch (GraphError e) {
            return null;
        }
    }

    /** A property's value for comparisons: strings lower-cased, dates as Instant. */
    static Object value(MessageView m, String prop) throws GraphError {
        return switch (prop.toLowerCase(Locale.ROOT)) {
            case "subject" -> lower(m.subject());
            case "isread" -> m.read();
            case "isdraft" -> m.draft();
            case "hasattachments" -> MessageJson.hasAttachments(m);
            case "importance" -> lower(m.importance());
            case "receiveddatetime" -> m.received();
            case "sentdatetime" -> m.sent() == null ? m.received() : m.sent();
            case "createddatetime" -> m.created();
            case "lastmodifieddatetime" -> m.lastModified();
            case "internetmessageid" -> lower(m.internetMessageId());
            case "conversationid" -> lower(MessageJson.conversationId(m));
            case "parentfolderid" -> lower(RestIds.toRest(m.folderId()));
            case "id" -> lower(RestIds.toRest(m.id()));
            case "from/emailaddress/address" -> lower(first(m.from(), true));
            case "from/emailaddress/name" -> lower(first(m.from(), false));
            case "sender/emailaddress/address" -> lower(first(m.sender().isEmpty() ? m.from() : m.sender(), true));
            case "sender/emailaddress/name" -> lower(first(m.sender().isEmpty() ? m.from() : m.sender(), false));
            default ->
                throw GraphError.badRequest("Invalid filter clause: the emulator cannot filter or sort on '" + prop
                        + "'. See docs/emulator-graph.md for the supported properties.");
        };
    }

    private static String first(List<Address> list, boolean address) {
        if (list.isEmpty()) {
            return null;
        }
        return address ? list.get(0).address() : list.get(0).name();
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /** A recursive-descent parser of $filter expressions. */
    private static final class Parser {
        private final String text;
        private final List<String> props;
        private int pos;

        Parser(String text, List<String> props) {
            this.text = text;
            this.props = props;
        }

        Predicate<MessageView> parseAll() throws GraphError {
            Predicate<MessageView> p = or();
            skipSpace();
            if (pos < text.length()) {
                throw fail("unexpected '" + text.substring(pos) + "'");
            }
            return p;
        }

        private Predicate<MessageView> or() throws GraphError {
            Predicate<MessageView> left = and();
            while (keyword("or")) {
                Predicate<MessageView> right = and();
                Predicate<MessageView> l = left;
                left = m -> l.test(m) || right.test(m);
            }
            return left;
        }

        private Predicate<MessageView> and() throws GraphError {
            Predicate<MessageView> left = unary();
            while (keyword("and")) {
                Predicate<MessageView> right = unary();
                Predicate<MessageView> l = left;
                left = m -> l.test(m) && right.test(m);
            }
            return left;
        }

        private Predicate<MessageView> unary() throws GraphError {
            if (keyword("not")) {
                Predicate<MessageView> inner = unary();
                return inner.negate();
            }
            skipSpace();
            if (peek('(')) {
                pos++;
                Predicate<MessageView> inner = or();
                expect(')');
                return inner;
            }
            String name = identifier();
            skipSpace();
            if (peek('(')) {
                return function(name);
            }
            if (name.equalsIgnoreCase("categories/any")) {
                throw fail("expected '(' after categories/any");
            }
            String op = identifier().toLowerCase(Locale.ROOT);
            Object literal = literal();
            String prop = name;
            props.add(prop);
            value(sample(), prop); // fails now for an unknown property
            if (isId(prop) && literal instanceof String s && RestIds.isEwsFormat(s)) {
                throw RestIds.malformed();
            }
            return m -> compare(valueOrNull(m, prop), op, literal);
        }

        private Predicate<MessageView> function(String name) throws GraphError {
            pos++; // (
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("categories/any")) {
                String var = identifier();
                expect(':');
                String var2 = identifier();
                String op = identifier();
                Object literal = literal();
                expect(')');
                if (!var2.equals(var) || !op.equalsIgnoreCase("eq") || !(literal instanceof String s)) {
                    throw fail("categories/any supports only (c:c eq 'name')");
                }
                props.add("categories");
                return m -> m.categories().stream().anyMatch(c -> c.equalsIgnoreCase(s));
            }
            if (lower.equals("startswith") || lower.equals("contains")) {
                String prop = identifier();
                expect(',');
                Object literal = literal();
                expect(')');
                if (!(literal instanceof String s)) {
                    throw fail(name + " needs a string");
                }
                props.add(prop);
                value(sample(), prop);
                boolean starts = lower.equals("startswith");
                return m -> {
                    Object v = valueOrNull(m, prop);
                    return v instanceof String str && (starts ? str.startsWith(s) : str.contains(s));
                };
            }
            throw fail("unknown function '" + name + "'");
        }

        private static boolean isId(String prop) {
            return prop.equalsIgnoreCase("id") || prop.equalsIgnoreCase("parentFolderId");
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static boolean compare(Object v, String op, Object literal) {
            if (op.equals("eq")) {
                return java.util.Objects.equals(v, literal);
            }
            if (op.equals("ne")) {
                return !java.util.Objects.equals(v, literal);
            }
            if (v == null || literal == null || v.getClass() != literal.getClass() || !(v instanceof Comparable)) {
                return false;
            }
            int c = ((Comparable) v).compareTo(literal);
            return switch (op) {
                case "gt" -> c > 0;
                case "ge" -> c >= 0;
                case "lt" -> c < 0;
                case "le" -> c <= 0;
                default -> false;
            };
        }

        private Object literal() throws GraphError {
            skipSpace();
            if (peek('\'')) {
                StringBuilder b = new StringBuilder();
                pos++;
                while (pos < text.length()) {
                    char c = text.charAt(pos++);
                    if (c == '\'') {
                        if (peek('\'')) {
                            b.append('\'');
                            pos++;
                            continue;
                        }
                        return b.toString().toLowerCase(Locale.ROOT);
                    }
                    b.append(c);
                }
                throw fail("unterminated string");
            }
            int start = pos;
            while (pos < text.length() && " )".indexOf(text.charAt(pos)) < 0) {
                pos++;
            }
            String word = text.substring(start, pos);
            if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(word);
            }
            if (word.equalsIgnoreCase("null")) {
                return null;
            }
            try {
                return OffsetDateTime.parse(word).toInstant();
            } catch (RuntimeException e) {
                try {
                    return Instant.parse(word);
                } catch (RuntimeException e2) {
                    throw fail("cannot read the value '" + word + "'");
                }
            }
        }

        private String identifier() throws GraphError {
            skipSpace();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '/')) {
                pos++;
            }
            if (start == pos) {
                throw fail("expected a name at position " + pos);
            }
            return text.substring(start, pos);
        }

        private boolean keyword(String word) {
            skipSpace();
            int end = pos + word.length();
            if (end < text.length()
                    && text.regionMatches(true, pos, word, 0, word.length())
                    && (text.charAt(end) == ' ' || text.charAt(end) == '(')) {
                pos = end;
                return true;
            }
            return false;
        }

        private void expect(char c) throws GraphError {
            skipSpace();
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void skipSpace() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
        }

        private GraphError fail(String why) {
            return GraphError.badRequest("Invalid filter clause: " + why + ".");
        }

        private static MessageView sample() {
            return SAMPLE;
        }
    }

    private static final MessageView SAMPLE = new MessageView(
            "",
            "",
            "",
            "",
            "",
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            null,
            null,
            null,
            null,
            Instant.EPOCH,
            Instant.EPOCH,
            Instant.EPOCH,
            "",
            null,
            List.of(),
            "Normal",
            false,
            false,
            List.of(),
            new byte[0],
            0);
}
