package dev.mailbridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailbridge.core.vault.KeyRing;
import java.io.IOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * docs/configuration.md is generated from the code, so it cannot drift: the properties of {@link ServerSettings}
 * and every {@code ${mailbridge.*}} placeholder in the server's {@code @Value} and {@code @Scheduled}
 * annotations, described by Spring Boot's configuration metadata (the processor's output, with
 * {@code META-INF/additional-spring-configuration-metadata.json} for the placeholders), with the defaults of
 * application.yaml and of the code. Regenerate after a change with {@value #REGENERATE}.
 */
class ConfigurationReferenceTest {
    static final String REGENERATE = "./mvnw -q test -pl server -am -Dtest=ConfigurationReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dmailbridge.docs=write";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(mailbridge\\.[a-z0-9.-]+)(?::([^}]*))?}");

    /** A property as the code uses it. */
    record Property(String name, String type, String description, String defaultValue, String source) {}

    @Test
    void everyPropertyIsDescribedAndDocsConfigurationMdIsUpToDate() throws Exception {
        Map<String, JsonNode> metadata = metadata();
        Map<String, String> codeDefaults = placeholdersInTheCode();
        Map<String, Object> yaml = applicationYaml();
        Map<String, Object> recordDefaults = serverSettingsDefaults();

        List<String> problems = new ArrayList<>();
        codeDefaults.forEach((name, def) -> {
            JsonNode m = metadata.get(name);
            if (m == null || m.path("description").asText("").isBlank()) {
                problems.add(name + " is used in the code but has no description: add it to"
                        + " server/src/main/resources/META-INF/additional-spring-configuration-metadata.json");
            } else {
                // A ServerSettings property's default is the record's; the others' is in the metadata.
                String documented = m.hasNonNull("defaultValue")
                        ? m.get("defaultValue").asText()
                        : Optional.ofNullable(recordDefaults.get(name))
                                .map(Object::toString)
                                .orElse(null);
                if (def != null && !def.equals(documented)) {
                    problems.add(name + ": the code's default is " + def + " but elsewhere it is " + documented);
                }
            }
        });
        metadata.forEach((name, m) -> {
            if (!codeDefaults.containsKey(name)
                    && !"dev.mailbridge.server.ServerSettings"
                            .equals(m.path("sourceType").asText())) {
                problems.add(name + " is described in the metadata but no code reads it: remove it");
            } else if (m.path("description").asText("").isBlank()) {
                problems.add(name + " has no description: add an @param to ServerSettings' Javadoc");
            }
        });
        assertThat(problems).isEmpty();

        List<Property> properties = new ArrayList<>();
        metadata.forEach((name, m) -> {
            Object fromYaml = yaml.get(name);
            String def = fromYaml != null
                    ? fromYaml.toString()
                    : m.hasNonNull("defaultValue")
                            ? m.get("defaultValue").asText()
                            : Optional.ofNullable(recordDefaults.get(name))
                                    .map(Object::toString)
                                    .orElse(null);
            properties.add(new Property(
                    name,
                    m.path("type").asText(),
                    sentence(m.path("description").asText()),
                    def,
                    m.path("sourceType").asText(null)));
        });
        for (Property p : properties) {
            // The documented environment variable really sets the property (Spring Boot's relaxed binding).
            var env = new SystemEnvironmentPropertySource("env", Map.of(environmentVariable(p.name()), "x"));
            assertThat(new Binder(ConfigurationPropertySources.from(env))
                            .bind(p.name(), Bindable.of(String.class))
                            .orElse(null))
                    .as(environmentVariable(p.name()) + " sets " + p.name())
                    .isEqualTo("x");
        }

        String generated = render(properties, yaml);
        Path doc = repositoryRoot().resolve("docs").resolve("configuration.md");
        if ("write".equals(System.getProperty("mailbridge.docs"))) {
            Files.writeString(doc, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "")
                .as("docs/configuration.md is out of date; regenerate it with: " + REGENERATE)
                .isEqualTo(generated);
    }

    /** Spring Boot's rule: dots to underscores, dashes to underscores, upper case (MAILBRIDGE_PUBLIC_BASE_URL). */
    static String environmentVariable(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private static String render(List<Property> properties, Map<String, Object> yaml) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated by server/src/test/java/dev/mailbridge/server/ConfigurationReferenceTest.java"
                        + " from the code; do not edit. Regenerate with:\n     ")
                .append(REGENERATE)
                .append(" -->\n\n")
                .append("Every setting of the Mailbridge server (`./mailbridge serve`). Each can be given in\n"
                        + "`application.yaml` (next to the server, or `--spring.config.additional-location=FILE`), as a\n"
                        + "command-line argument (`./mailbridge serve --mailbridge.poll-interval=PT10S`) or as an environment\n"
                        + "variable (`MAILBRIDGE_POLL_INTERVAL=PT10S ./mailbridge serve`). Durations are ISO-8601: `PT30S`,\n"
                        + "`PT1H`, `P7D`.\n\n");
        md.append("## Mailbridge settings\n\n")
                .append("| property | environment variable | default | what it does |\n|---|---|---|---|\n");
        for (Property p : properties) {
            md.append("| `")
                    .append(p.name())
                    .append("` | `")
                    .append(environmentVariable(p.name()))
                    .append("` | ")
                    .append(
                            p.defaultValue() == null || p.defaultValue().isEmpty()
                                    ? "(empty)"
                                    : "`" + p.defaultValue() + "`")
                    .append(" | ")
                    .append(p.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        md.append("\n## Environment only\n\n")
                .append("| variable | what it does |\n|---|---|\n")
                .append("| `")
                .append(KeyRing.ENV_KEY)
                .append(
                        "` | The master key (instead of the key file `master.key` in `mailbridge.data-dir`): every stored"
                                + " secret and token is sealed with it. `./mailbridge serve rotate-key` explains rotation. |\n")
                .append("| `")
                .append(KeyRing.ENV_OLD_KEYS)
                .append("` | Retired master keys, still able to open what they sealed, during a rotation. |\n");
        md.append("\n`./mailbridge serve rotate-key` reads `MAILBRIDGE_DATA_DIR`, `MAILBRIDGE_DATABASE_URL`,"
                + " `MAILBRIDGE_DATABASE_USER` and\n`MAILBRIDGE_DATABASE_PASSWORD` from the environment (it starts no web"
                + " server).\n");
        md.append("\n## Spring Boot settings the server sets\n\n")
                .append("From the server's `application.yaml`; any of them (and any other Spring Boot property) can be"
                        + " overridden the same\nway, for example `--server.port=9090` or `SERVER_PORT=9090`.\n\n")
                .append("| property | value |\n|---|---|\n");
        yaml.forEach((name, value) -> {
            if (!name.startsWith("mailbridge.")) {
                md.append("| `").append(name).append("` | `").append(value).append("` |\n");
            }
        });
        md.append("\nThe demo (`./mailbridge demo`) has a few options of its own: see"
                + " [demo/README.md](../demo/README.md).\n");
        return md.toString();
    }

    /** "a JDBC URL; {@code x}" -> "A JDBC URL; `x`." */
    private static String sentence(String javadoc) {
        String s = javadoc.replaceAll("\\{@code ([^}]*)}", "`$1`")
                .replaceAll("\\{@link ([^}]*)}", "`$1`")
                .replaceAll("\\s+", " ")
                .strip();
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    private static Map<String, JsonNode> metadata() throws Exception {
        Path file = classesDir().resolve("META-INF").resolve("spring-configuration-metadata.json");
        assertThat(file).as("the configuration processor's output").exists();
        Map<String, JsonNode> out = new TreeMap<>();
        for (JsonNode p : new ObjectMapper().readTree(file.toFile()).path("properties")) {
            out.put(p.path("name").asText(), p);
        }
        return out;
    }

    /** Every ${mailbridge.*} placeholder in the server's annotations, with its default (null when none). */
    private static Map<String, String> placeholdersInTheCode() throws Exception {
        Path classes = classesDir();
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c = Class.forName(name, false, ConfigurationReferenceTest.class.getClassLoader());
                List<AnnotatedElement> elements = new ArrayList<>();
                elements.addAll(List.of(c.getDeclaredFields()));
                elements.addAll(List.of(c.getDeclaredMethods()));
                for (Executable e : concat(c.getDeclaredConstructors(), c.getDeclaredMethods())) {
                    elements.addAll(List.of(e.getParameters()));
                }
                for (AnnotatedElement e : elements) {
                    Value v = e.getAnnotation(Value.class);
                    if (v != null) {
                        collect(v.value(), out);
                    }
                    Scheduled s = e.getAnnotation(Scheduled.class);
                    if (s != null) {
                        for (String text : new String[] {
                            s.cron(), s.fixedDelayString(), s.fixedRateString(), s.initialDelayString()
                        }) {
                            collect(text, out);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Executable[] concat(Executable[] a, Method[] b) {
        Executable[] all = new Executable[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void collect(String text, Map<String, String> out) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
    }

    /** The record's fields after its compact constructor ran on nothing: the code's defaults. */
    private static Map<String, Object> serverSettingsDefaults() throws Exception {
        RecordComponent[] components = ServerSettings.class.getRecordComponents();
        Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        ServerSettings none = ServerSettings.class.getDeclaredConstructor(types).newInstance(new Object[types.length]);
        Map<String, Object> out = new TreeMap<>();
        for (RecordComponent rc : components) {
            Field f = ServerSettings.class.getDeclaredField(rc.getName());
            f.setAccessible(true);
            String property =
                    "mailbridge." + rc.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            Object value = f.get(none);
            if (value != null) {
                out.put(property, value);
            }
        }
        return out;
    }

    private static Map<String, Object> applicationYaml() throws IOException {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        MutablePropertySources sources = new MutablePropertySources();
        for (PropertySource<?> s :
                new YamlPropertySourceLoader().load("app", new ClassPathResource("application.yaml"))) {
            sources.addLast(s);
        }
        for (PropertySource<?> s : sources) {
            for (String name : ((EnumerablePropertySource<?>) s).getPropertyNames()) {
                out.put(name, s.getProperty(name));
            }
        }
        return out;
    }

    private static Path classesDir() throws Exception {
        return Path.of(ServerSettings.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    static Path repositoryRoot() {
        Path cwd = Path.of("").toAbsolutePath();
        return cwd.getFileName().toString().equals("server") ? cwd.getParent() : cwd;
    }
}
