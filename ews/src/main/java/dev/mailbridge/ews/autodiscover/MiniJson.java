package dev.mailbridge.ews.autodiscover;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the top-level string/number/boolean members of a small JSON object (Autodiscover v2 answers
 * such as {@code {"Protocol":"EWS","Url":"https://..."}}). Nested values are skipped (depth at most
 * 16). Strict: anything that is not JSON is refused with {@link IllegalArgumentException}.
 */
final class MiniJson {
    private final String s;
    private int i;

    private MiniJson(String s) {
        this.s = s;
    }

    static Map<String, String> topLevel(String json) {
        MiniJson p = new MiniJson(json);
        p.ws();
        Map<String, String> out = new LinkedHashMap<>();
        p.expect('{');
        p.ws();
        if (p.peek() == '}') {
            p.i++;
            p.end();
            return out;
        }
        while (true) {
            p.ws();
            String key = p.string();
            p.ws();
            p.expect(':');
            p.ws();
            String value = p.value(0);
            if (value != null) {
                out.put(key, value);
            }
            p.ws();
            char c = p.next();
            if (c == '}') {
                p.end();
                return out;
            }
            if (c != ',') {
                throw new IllegalArgumentException("expected , or } at " + (p.i - 1));
            }
        }
    }

    private void end() {
        ws();
        if (i != s.length()) {
            throw new IllegalArgumentException("trailing data at " + i);
        }
    }

    /** A primitive as text; null for null, objects and arrays. */
    private String value(int depth) {
        if (depth > 16) {
            throw new IllegalArgumentException("nested too deep");
        }
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            i++;
            ws();
            if (peek() == close) {
                i++;
                return null;
            }
            while (true) {
                ws();
                if (close == '}') {
                    string();
                    ws();
                    expect(':');
                    ws();
                }
                value(depth + 1);
                ws();
                char n = next();
                if (n == close) {
                    return null;
                }
                if (n != ',') {
                    throw new IllegalArgumentException("expected , at " + (i - 1));
                }
            }
        }
        int start = i;
        while (i < s.length() && "+-0123456789.eEtruefalsn".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String lit = s.substring(start, i);
        if (lit.equals("null")) {
            return null;
        }
        if (lit.equals("true") || lit.equals("false") || lit.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
            return lit;
        }
        throw new IllegalArgumentException("unexpected value at " + start);
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new IllegalArgumentException("bad escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape \\" + e);
                }
            } else if (c < 0x20) {
                throw new IllegalArgumentException("control character in string");
            } else {
                sb.append(c);
            }
        }
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw new IllegalArgumentException("unexpected end");
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("expected " + c + " at " + (i - 1));
        }
    }
}
