package dev.scaleddemo.operator.ship;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Dockerfile read as its instructions (no Docker engine): enough to check the facts of a recipe statically. */
record DockerfileRecipe(List<Instruction> instructions) {

  record Instruction(String keyword, String args) {}

  static DockerfileRecipe parse(Path file) throws IOException {
    List<Instruction> all = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue; // comments and blank lines, also inside a continued instruction
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      String instruction = current.append(line).toString().strip();
      current.setLength(0);
      String[] parts = instruction.split("\\s+", 2);
      all.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
    }
    return new DockerfileRecipe(all);
  }

  /** The instructions of the last stage, from its FROM on. */
  DockerfileRecipe runtimeStage() {
    int lastFrom = -1;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        lastFrom = i;
      }
    }
    if (lastFrom < 0) {
      throw new AssertionError("no FROM");
    }
    return new DockerfileRecipe(instructions.subList(lastFrom, instructions.size()));
  }

  List<String> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
  }

  /** The arguments of the last instruction with this keyword (the one that counts for USER, ENTRYPOINT...). */
  String last(String keyword) {
    List<String> args = all(keyword);
    if (args.isEmpty()) {
      throw new AssertionError("no " + keyword);
    }
    return args.get(args.size() - 1);
  }

  /** The image of the stage's FROM, without {@code AS name} and options. */
  String baseImage() {
    return List.of(last("FROM").split("\\s+")).stream().filter(t -> !t.startsWith("--")).findFirst().orElseThrow();
  }

  /** The exec (JSON array) form of ENTRYPOINT/CMD as a list; fails on the shell form. */
  static List<String> execForm(String args) {
    if (!args.startsWith("[") || !args.endsWith("]")) {
      throw new AssertionError("not in exec (JSON array) form: " + args);
    }
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"\\s*(,|$)").matcher(args.substring(1, args.length() - 1).strip());
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** COPY instructions without options: [source..., destination]. */
  List<List<String>> copies() {
    return all("COPY").stream()
        .map(c -> List.of(c.split("\\s+")).stream().filter(t -> !t.startsWith("--")).toList()).toList();
  }
}
