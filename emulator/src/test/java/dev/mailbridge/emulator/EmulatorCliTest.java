package dev.mailbridge.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mailbridge emulator} as a newcomer uses it: a separate process that prints how to use it,
 * writes the describe file once ready, and whose printed curl command really gets a token.
 */
class EmulatorCliTest {
    @TempDir
    Path dir;

    @Test
    void startsPrintsItsEndpointsAndThePrintedCurlCommandGetsAToken() throws Exception {
        Path describe = dir.resolve("emulator.json");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmulatorMain.class.getName(),
                        "--https-port",
                        "0",
                        "--state-dir",
                        dir.resolve("state").toString(),
                        "--describe",
                        describe.toString())
                .redirectErrorStream(true)
                .start();
        try {
            List<String> banner = readUntil(process, "Ready.");
            String output = String.join("\n", banner);
            assertThat(describe).exists();
            JsonNode doc = new ObjectMapper().readTree(Files.readString(describe));
            assertThat(output).contains(doc.path("login").asText()).contains("--cacert");

            String curl = curlCommand(banner);
            assumeTrue(commandExists("curl"), "curl is not installed");
            Process run = new ProcessBuilder("bash", "-c", curl + " --silent --show-error")
                    .redirectErrorStream(true)
                    .start();
            String answer = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
            JsonNode token = new ObjectMapper().readTree(answer);
            assertThat(token.path("token_type").asText()).as(answer).isEqualTo("Bearer");
            assertThat(token.path("access_token").asText().split("\\.")).hasSize(3);
        } finally {
            process.destroy();
            assertThat(process.waitFor(20, TimeUnit.SECONDS))
                    .as("stops on SIGTERM")
                    .isTrue();
        }
    }

    @Test
    void aPortInUseIsExplained() throws Exception {
        try (Emulator first =
                Emulator.start(EmulatorOptions.builder().httpsPort(0).build())) {
            Process process = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            EmulatorMain.class.getName(),
                            "--https-port",
                            String.valueOf(first.loginUrl().getPort()),
                            "--state-dir",
                            dir.resolve("state2").toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(1);
            assertThat(output).contains("--https-port").doesNotContain("\tat ");
        }
    }

    /** The multi-line curl command the banner prints, joined into one shell line. */
    private static String curlCommand(List<String> banner) {
        List<String> lines = new ArrayList<>();
        boolean inCommand = false;
        for (String line : banner) {
            if (line.trim().startsWith("curl --cacert")) {
                inCommand = true;
            }
            if (inCommand) {
                lines.add(line.trim().replaceAll("\\\\$", ""));
                if (!line.trim().endsWith("\\")) {
                    break;
                }
            }
        }
        assertThat(lines).as("a curl command in the banner").isNotEmpty();
        return lines.stream().collect(Collectors.joining(" "));
    }

    private static List<String> readUntil(Process process, String marker) throws IOException {
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
            if (line.startsWith(marker)) {
                return lines;
            }
        }
        throw new AssertionError("The emulator exited before it was ready:\n" + String.join("\n", lines));
    }

    private static boolean commandExists(String command) {
        try {
            return new ProcessBuilder("bash", "-c", "command -v " + command)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
