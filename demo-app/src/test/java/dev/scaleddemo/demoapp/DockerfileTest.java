package dev.scaleddemo.demoapp;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Static checks of the top-level Dockerfile (no Docker engine needed). */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("..", "Dockerfile");
    private static final Path POM = Path.of("pom.xml");

    /** Instructions of the final (runtime) stage: [KEYWORD, arguments]. */
    private static List<String[]> runtimeStage;
    private static String finalName;

    @BeforeAll
    static void parse() throws Exception {
        assertTrue(Files.isRegularFile(DOCKERFILE), "expected Dockerfile at " + DOCKERFILE.toAbsolutePath());
        List<String[]> all = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : Files.readAllLines(DOCKERFILE)) {
            String line = raw.strip();
            if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String instr = current.toString().strip();
            current.setLength(0);
            String[] parts = instr.split("\\s+", 2);
            all.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""});
        }
        int lastFrom = -1;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i)[0].equals("FROM")) {
                lastFrom = i;
            }
        }
        assertTrue(lastFrom > 0, "multi-stage build with a separate runtime stage");
        runtimeStage = all.subList(lastFrom, all.size());

        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(POM));
        assertTrue(m.find(), "demo-app/pom.xml declares a finalName");
        finalName = m.group(1).strip();
    }

    private static List<String> args(String keyword) {
        List<String> out = new ArrayList<>();
        for (String[] i : runtimeStage) {
            if (i[0].equals(keyword)) {
                out.add(i[1]);
            }
        }
        return out;
    }

    private static String last(String keyword) {
        List<String> a = args(keyword);
        assertFalse(a.isEmpty(), "runtime stage has " + keyword);
        return a.get(a.size() - 1);
    }

    private static List<String> jsonArray(String s) {
        assertTrue(s.startsWith("[") && s.endsWith("]"), "exec (JSON array) form: " + s);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)").matcher(s.substring(1, s.length() - 1).strip());
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void runsAsNonRootUser() {
        String user = last("USER").split(":")[0];
        assertNotEquals("root", user);
        assertTrue(user.matches("\\d+"), "numeric UID (works with runAsNonRoot): " + user);
        assertNotEquals(0, Integer.parseInt(user));
    }

    @Test
    void exposesPort8000() {
        assertTrue(args("EXPOSE").stream().anyMatch(e -> e.matches("8000(/tcp)?")), "EXPOSE 8000");
    }

    @Test
    void entrypointRunsTheCopiedJar() {
        List<String> entry = jsonArray(last("ENTRYPOINT"));
        assertTrue(entry.get(0).equals("java") || entry.get(0).endsWith("/java"), "runs java: " + entry);
        int jar = entry.indexOf("-jar");
        assertTrue(jar > 0 && jar < entry.size() - 1, "-jar <path>: " + entry);
        String jarPath = entry.get(jar + 1);
        assertTrue(entry.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), "container-aware heap");

        // The COPY into the runtime stage takes the Maven output (finalName) and puts it where ENTRYPOINT looks.
        String expectedSource = "demo-app/target/" + finalName + ".jar";
        boolean copied = false;
        for (String copy : args("COPY")) {
            List<String> tokens = new ArrayList<>(List.of(copy.split("\\s+")));
            tokens.removeIf(t -> t.startsWith("--"));
            if (tokens.size() == 2 && tokens.get(0).endsWith(expectedSource)) {
                String dest = tokens.get(1);
                String resolved = dest.endsWith("/") ? dest + finalName + ".jar" : dest;
                assertEquals(jarPath, resolved, "COPY destination matches ENTRYPOINT jar");
                copied = true;
            }
        }
        assertTrue(copied, "runtime stage COPYs " + expectedSource);
        assertEquals("demo-app", finalName);
    }

    @Test
    void noShellFormEntrypointOrCmd() {
        for (String cmd : args("CMD")) {
            assertTrue(cmd.startsWith("["), "CMD in exec form");
        }
    }
}
