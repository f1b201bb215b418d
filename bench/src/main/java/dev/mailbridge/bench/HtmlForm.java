package dev.mailbridge.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough HTML to submit a sign-in page as a browser would: the first form's action, method
 * and inputs (hidden values kept). Not a general parser; the emulator's pages are plain HTML.
 */
record HtmlForm(String action, String method, List<Input> inputs) {
    record Input(String name, String type, String value) {}

    private static final Pattern FORM =
            Pattern.compile("<form\\b([^>]*)>(.*?)</form>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FIELD =
            Pattern.compile("<(input|button)\\b([^>]*)>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern ATTRIBUTE = Pattern.compile(
            "([a-zA-Z_:][-a-zA-Z0-9_:.]*)\\s*(?:=\\s*(?:\"([^\"]*)\"|'([^']*)'|([^\\s\"'>]+)))?", Pattern.DOTALL);

    /** The first form in the page, or null when there is none. */
    static HtmlForm first(String html) {
        Matcher form = FORM.matcher(html);
        if (!form.find()) {
            return null;
        }
        Map<String, String> formAttributes = attributes(form.group(1));
        List<Input> inputs = new ArrayList<>();
        Matcher field = FIELD.matcher(form.group(2));
        while (field.find()) {
            Map<String, String> attributes = attributes(field.group(2));
            String name = attributes.get("name");
            if (name == null) {
                continue;
            }
            String defaultType = field.group(1).equalsIgnoreCase("button") ? "submit" : "text";
            String type = attributes.getOrDefault("type", defaultType).toLowerCase(Locale.ROOT);
            inputs.add(new Input(name, type, attributes.getOrDefault("value", "")));
        }
        return new HtmlForm(
                formAttributes.getOrDefault("action", ""),
                formAttributes.getOrDefault("method", "get").toLowerCase(Locale.ROOT),
                inputs);
    }

    /**
     * The fields a person would send: hidden and pre-filled values as they are, the first submit
     * button's name and value, and the given values for named fields (e.g. login and password).
     */
    Map<String, String> fill(Map<String, String> values) {
        Map<String, String> fields = new LinkedHashMap<>();
        boolean submitChosen = false;
        for (Input input : inputs) {
            if (values.containsKey(input.name())) {
                fields.put(input.name(), values.get(input.name()));
            } else if (input.type().equals("submit") || input.type().equals("image")) {
                if (!submitChosen) {
                    fields.put(input.name(), input.value());
                    submitChosen = true;
                }
            } else if (input.type().equals("checkbox") || input.type().equals("radio")) {
                // unchecked unless asked for
            } else {
                fields.putIfAbsent(input.name(), input.value());
            }
        }
        return fields;
    }

    URI actionUri(URI page) {
        return action.isEmpty() ? page : page.resolve(unescape(action));
    }

    private static Map<String, String> attributes(String text) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher m = ATTRIBUTE.matcher(text);
        while (m.find()) {
            String value = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : m.group(4);
            attributes.put(m.group(1).toLowerCase(Locale.ROOT), value == null ? "" : unescape(value));
        }
        return attributes;
    }

    static String unescape(String text) {
        return text.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#x2F;", "/")
                .replace("&#47;", "/")
                .replace("&#x3D;", "=")
                .replace("&amp;", "&");
    }
}
