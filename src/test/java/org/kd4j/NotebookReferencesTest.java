package org.kd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks under {@code notebooks/} call kd4j from Java cells that only the Jupyter kernel compiles, so a renamed
 * kd4j class or static member would break them without breaking {@code mvn verify} (it happened:
 * {@code NativeGarbage.returnLargeFreesToTheSystem()} was renamed and only CI's notebook run saw it). This test reads
 * every code cell and checks, by reflection against the compiled classes, each kd4j class it names (imports and
 * fully-qualified names) and each {@code Class.member} it reaches through such a class: a public method, field or
 * nested class of that name must exist. Calls on variables ({@code run.students()}) need the kernel's type checking and
 * are left to {@code notebooks/run-all.sh}.
 */
class NotebookReferencesTest {

    private static final Path NOTEBOOKS = Path.of("notebooks");
    private static final Pattern IMPORT = Pattern.compile("(?m)^\\s*import\\s+(org\\.kd4j(?:\\.\\w+)+)\\s*;");
    private static final Pattern QUALIFIED = Pattern.compile("\\b(org\\.kd4j(?:\\.[a-z]\\w*)+\\.[A-Z]\\w*)(?:\\.(\\w+))?");
    private static final Pattern SIMPLE_MEMBER = Pattern.compile("(?<![\\w.])([A-Z]\\w*)\\.(\\w+)");

    /** One reference found in a notebook: where, the class, and the member reached through it (or null). */
    record Reference(String where, String className, String member) {}

    @Test
    void everyKd4jClassAndStaticMemberTheNotebooksNameExists() throws IOException {
        List<Reference> references = new ArrayList<>();
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            for (Path notebook : files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList()) {
                references.addAll(references(notebook));
            }
        }
        assertTrue(references.size() > 20, "expected the notebooks to name kd4j's classes, found " + references.size());
        List<String> missing = references.stream().map(NotebookReferencesTest::problem).flatMap(Optional::stream).toList();
        assertEquals(List.of(), missing);
    }

    @Test
    void aRenamedMemberIsReported() {
        Reference renamed = new Reference("x.ipynb cell 1", "org.kd4j.util.NativeGarbage", "returnLargeFreesToTheSystem");
        assertEquals("x.ipynb cell 1: org.kd4j.util.NativeGarbage has no public member returnLargeFreesToTheSystem",
                problem(renamed).orElseThrow());
        assertTrue(problem(new Reference("x", "org.kd4j.util.NativeGarbage", "applyMmapThreshold")).isEmpty());
        assertEquals("x: no class org.kd4j.util.NoSuchThing",
                problem(new Reference("x", "org.kd4j.util.NoSuchThing", null)).orElseThrow());
    }

    @Test
    void cellsAreReadWithTheirImports() {
        String cell = """
                import org.kd4j.util.NativeGarbage;
                NativeGarbage.collect("x");
                org.kd4j.util.Nd4jProcess.threadsPerOp(1);
                String s = String.valueOf(1);
                """;
        Map<String, String> earlier = new LinkedHashMap<>(Map.of("DistillationRun", "org.kd4j.distill.DistillationRun"));
        List<Reference> found = cellReferences("nb cell 2", cell + "DistillationRun.builder();\n", earlier);
        assertEquals(List.of(
                new Reference("nb cell 2", "org.kd4j.util.NativeGarbage", null),
                new Reference("nb cell 2", "org.kd4j.util.Nd4jProcess", "threadsPerOp"),
                new Reference("nb cell 2", "org.kd4j.util.NativeGarbage", "collect"),
                new Reference("nb cell 2", "org.kd4j.distill.DistillationRun", "builder")), found);
        assertEquals("org.kd4j.util.NativeGarbage", earlier.get("NativeGarbage"));
    }

    private static List<Reference> references(Path notebook) throws IOException {
        JsonNode cells = new ObjectMapper().readTree(notebook.toFile()).path("cells");
        List<Reference> found = new ArrayList<>();
        Map<String, String> imported = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            JsonNode cell = cells.get(i);
            if (!"code".equals(cell.path("cell_type").asText())) {
                continue;
            }
            StringBuilder source = new StringBuilder();
            cell.path("source").forEach(line -> source.append(line.asText()));
            found.addAll(cellReferences(notebook.getFileName() + " cell " + (i + 1), source.toString(), imported));
        }
        return found;
    }

    /**
     * The kd4j references of one cell. {@code imported} (simple name to class) holds the imports of the notebook's
     * earlier cells, as the kernel keeps them, and receives this cell's.
     */
    static List<Reference> cellReferences(String where, String source, Map<String, String> imported) {
        List<Reference> found = new ArrayList<>();
        Matcher imports = IMPORT.matcher(source);
        while (imports.find()) {
            String name = imports.group(1);
            imported.put(name.substring(name.lastIndexOf('.') + 1), name);
            found.add(new Reference(where, name, null));
        }
        String code = IMPORT.matcher(source).replaceAll("");
        Matcher qualified = QUALIFIED.matcher(code);
        while (qualified.find()) {
            found.add(new Reference(where, qualified.group(1), qualified.group(2)));
        }
        Matcher simple = SIMPLE_MEMBER.matcher(QUALIFIED.matcher(code).replaceAll(""));
        while (simple.find()) {
            String className = imported.get(simple.group(1));
            if (className != null) {
                found.add(new Reference(where, className, simple.group(2)));
            }
        }
        return found;
    }

    static Optional<String> problem(Reference reference) {
        Class<?> type;
        try {
            type = Class.forName(reference.className(), false, NotebookReferencesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.of(reference.where() + ": no class " + reference.className());
        }
        String member = reference.member();
        if (member == null || member.equals("class")) {
            return Optional.empty();
        }
        boolean method = Stream.of(type.getMethods()).map(Method::getName).anyMatch(member::equals);
        boolean field = Stream.of(type.getFields()).filter(f -> Modifier.isPublic(f.getModifiers()))
                .map(Field::getName).anyMatch(member::equals);
        boolean nested = Stream.of(type.getClasses()).map(Class::getSimpleName).anyMatch(member::equals);
        boolean constant = type.isEnum() && Stream.of(type.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                .anyMatch(member::equals);
        return method || field || nested || constant ? Optional.empty()
                : Optional.of(reference.where() + ": " + reference.className() + " has no public member " + member);
    }
}
