package dev.mailbridge.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailbridge.ews.error.EwsAccessBlockedException;
import dev.mailbridge.ews.error.ResponseCodes;
import dev.mailbridge.identity.failure.AadstsCatalogue;
import dev.mailbridge.identity.failure.CatalogueEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/troubleshooting.md lists every AADSTS code and every EWS response code the product explains: its
 * generated sections are rebuilt from the catalogues and compared, so a code added to the code without the
 * page fails here. Regenerate with {@value #REGENERATE}.
 */
class TroubleshootingDocTest {
    static final String REGENERATE = "./mvnw -q test -pl server -am -Dtest=TroubleshootingDocTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dmailbridge.docs=write";

    private static final Pattern SECTION = Pattern.compile(
            "(<!-- BEGIN GENERATED: ([a-z0-9-]+) -->\n)(.*?)(<!-- END GENERATED: \\2 -->)", Pattern.DOTALL);

    @Test
    void theTroubleshootingPageListsEveryCodeTheProductExplains() throws Exception {
        Path doc = ConfigurationReferenceTest.repositoryRoot().resolve("docs").resolve("troubleshooting.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        Map<String, String> sections = Map.of("aadsts", aadsts(), "ews", ews(), "ews-403", ews403());
        StringBuilder out = new StringBuilder();
        Matcher m = SECTION.matcher(text);
        int seen = 0;
        while (m.find()) {
            String generated = sections.get(m.group(2));
            assertThat(generated).as("unknown generated section " + m.group(2)).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + generated + m.group(4)));
            seen++;
        }
        m.appendTail(out);
        assertThat(seen).as("generated sections in docs/troubleshooting.md").isEqualTo(sections.size());
        if ("write".equals(System.getProperty("mailbridge.docs"))) {
            Files.writeString(doc, out.toString(), StandardCharsets.UTF_8);
            text = out.toString();
        }
        assertThat(text)
                .as("docs/troubleshooting.md is out of date; regenerate it with: " + REGENERATE)
                .isEqualTo(out.toString());
        for (CatalogueEntry e : AadstsCatalogue.entries()) {
            assertThat(text).contains("| AADSTS" + e.code() + " |");
        }
        for (String code : ResponseCodes.catalogue().keySet()) {
            assertThat(text).contains("| `" + code + "` |");
        }
    }

    private static String aadsts() {
        StringBuilder md =
                new StringBuilder("| code | name | category | what happened | what to do |\n|---|---|---|---|---|\n");
        AadstsCatalogue.entries().stream()
                .sorted(Comparator.comparingInt(CatalogueEntry::code))
                .forEach(e -> md.append("| AADSTS")
                        .append(e.code())
                        .append(" | ")
                        .append(e.name())
                        .append(" | ")
                        .append(e.category().title())
                        .append(" | ")
                        .append(cell(e.message()))
                        .append(" | ")
                        .append(cell(e.fix()))
                        .append(" |\n"));
        return md.toString();
    }

    private static String ews() {
        StringBuilder md = new StringBuilder("| code | what happened | what to do | retried |\n|---|---|---|---|\n");
        new TreeMap<>(ResponseCodes.catalogue())
                .forEach((code, e) -> md.append("| `")
                        .append(code)
                        .append("` | ")
                        .append(cell(e.plain()))
                        .append(" | ")
                        .append(cell(e.fix()))
                        .append(" | ")
                        .append(e.retryable() ? "yes" : "no")
                        .append(" |\n"));
        return md.toString();
    }

    private static String ews403() {
        return cell(EwsAccessBlockedException.EXPLANATION) + "\n\n**What to do:** "
                + cell(EwsAccessBlockedException.FIX) + "\n";
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
