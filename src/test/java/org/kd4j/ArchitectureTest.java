package org.kd4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependencies between kd4j's packages point one way. From the top (entry points) to the bottom:
 *
 * <pre>
 * layer       packages                          may be used by
 * ----------  --------------------------------  ----------------------------------------------
 * Cli         org.kd4j.cli                      nobody (the command line; Main)
 * Bench       org.kd4j.bench                    Cli
 * Workflows   org.kd4j.hpo, org.kd4j.quality    Cli, Bench
 * Distill     org.kd4j.distill                  Cli, Bench, Workflows
 * Config      org.kd4j.config                   Cli, Bench, Workflows, Distill
 * Api         org.kd4j.api                      Cli, Bench (and applications that embed a student)
 * Imports     org.kd4j.imports (model-import/)  Cli, Bench
 * Export      org.kd4j.export                   Cli, Bench, Distill, Api, Imports
 * Run         org.kd4j.run                      Cli, Bench, Workflows, Distill, Api
 * Core        org.kd4j.model, .data, .eval      every layer above
 * Base        org.kd4j, org.kd4j.util           every layer
 * </pre>
 *
 * <p>Besides the layers:
 * <ul>
 *   <li>no cycles between the top-level packages ({@code org.kd4j.X}), so within Core {@code eval} uses {@code data}
 *       and {@code model} uses {@code data}, never the reverse; nor between any two packages;</li>
 *   <li>the import side ({@code org.kd4j.imports}, the sources under {@code model-import/}) depends on the core, and
 *       the core never on it: where the core needs an import (rebuilding an imported model, reading an exported
 *       ONNX student, loading a pretrained encoder or an imported teacher) it declares an interface
 *       ({@code model.ImportedGraphLoader}, {@code model.ExportedModelReader}, {@code model.ModelImport}) that the import
 *       side implements and registers through {@link java.util.ServiceLoader};</li>
 *   <li>library code does not write to {@code System.out}: the command line's output is the CLI's own, everything
 *       else logs through Log4j2.</li>
 * </ul>
 *
 * <p>Test classes are not checked (they may reach across layers to set a scene up).
 */
@AnalyzeClasses(packages = "org.kd4j", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule LAYERS = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("Cli").definedBy("org.kd4j.cli..")
            .layer("Bench").definedBy("org.kd4j.bench..")
            .layer("Workflows").definedBy("org.kd4j.hpo..", "org.kd4j.quality..")
            .layer("Distill").definedBy("org.kd4j.distill..")
            .layer("Config").definedBy("org.kd4j.config..")
            .layer("Api").definedBy("org.kd4j.api..")
            .layer("Imports").definedBy("org.kd4j.imports..")
            .layer("Export").definedBy("org.kd4j.export..")
            .layer("Run").definedBy("org.kd4j.run..")
            .layer("Core").definedBy("org.kd4j.model..", "org.kd4j.data..", "org.kd4j.eval..")
            .layer("Base").definedBy("org.kd4j", "org.kd4j.util..")
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("Bench").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Workflows").mayOnlyBeAccessedByLayers("Cli", "Bench")
            .whereLayer("Distill").mayOnlyBeAccessedByLayers("Cli", "Bench", "Workflows")
            .whereLayer("Config").mayOnlyBeAccessedByLayers("Cli", "Bench", "Workflows", "Distill")
            .whereLayer("Api").mayOnlyBeAccessedByLayers("Cli", "Bench")
            .whereLayer("Imports").mayOnlyBeAccessedByLayers("Cli", "Bench")
            .whereLayer("Export").mayOnlyBeAccessedByLayers("Cli", "Bench", "Distill", "Api", "Imports")
            .whereLayer("Run").mayOnlyBeAccessedByLayers("Cli", "Bench", "Workflows", "Distill", "Api")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Cli", "Bench", "Workflows", "Distill", "Config", "Api",
                    "Imports", "Export", "Run");

    @ArchTest
    static final ArchRule NO_CYCLES = slices().matching("org.kd4j.(*)..").should().beFreeOfCycles();

    /** Nor between any two packages, sub-packages included ({@code distill} and {@code distill.train}, ...). */
    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("org.kd4j.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule CORE_DOES_NOT_DEPEND_ON_IMPORTS = noClasses()
            .that().resideOutsideOfPackages("org.kd4j.imports..", "org.kd4j.cli..", "org.kd4j.bench..")
            .should().dependOnClassesThat().resideInAPackage("org.kd4j.imports..")
            .because("the import side (model-import/) depends on the core, never the reverse");

    @ArchTest
    static final ArchRule NO_STDOUT_IN_LIBRARY = noClasses()
            .that().resideOutsideOfPackage("org.kd4j.cli..")
            .should().accessField(System.class, "out")
            .because("library code logs through Log4j2; only the CLI prints");
}
