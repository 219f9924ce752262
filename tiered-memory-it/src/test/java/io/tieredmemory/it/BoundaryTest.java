package io.tieredmemory.it;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import io.tieredmemory.chroma.ChromaTierStore;
import io.tieredmemory.core.TieredMemory;
import io.tieredmemory.metrics.TieredMemoryMetrics;
import io.tieredmemory.postgres.PostgresTierStore;
import io.tieredmemory.redis.RedisTierStore;
import io.tieredmemory.testkit.ManualClock;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundary, checked on the compiled main classes of every published module (no server
 * needed): what core may depend on, that backends see each other and metrics not at all, and that
 * internals stay inside their module. The module descriptors enforce most of this at compile time
 * for the modules that have one; these rules also cover users on the class path, where descriptors
 * are not read, and they fail when a descriptor is loosened to make a bad dependency compile.
 *
 * <p>A module's name is its root package ({@code io.tieredmemory.redis} holds {@code
 * io.tieredmemory.redis..}), so the rules name modules by package.
 *
 * <p>Runs with this module's unit tests ({@code mvn -pl tiered-memory-it -am verify -DskipITs}, or
 * {@code -Dtest=BoundaryTest}): ArchUnit's JUnit 5 engine runs the {@link ArchTest} fields, Jupiter
 * the two {@link Test} methods that read the descriptors.
 */
@AnalyzeClasses(packages = "io.tieredmemory", importOptions = ImportOption.DoNotIncludeTests.class)
class BoundaryTest {

  private static final String CORE = "io.tieredmemory.core..";
  private static final String CORE_INTERNAL = "io.tieredmemory.core.internal..";
  private static final String TEST_KIT = "io.tieredmemory.testkit..";
  private static final String METRICS = "io.tieredmemory.metrics..";
  private static final String CHROMA = "io.tieredmemory.chroma..";
  private static final List<String> BACKENDS =
      List.of("io.tieredmemory.redis..", "io.tieredmemory.postgres..", CHROMA);

  /** The modules core exports io.tieredmemory.core.internal to (checked against its descriptor). */
  private static final List<String> INTERNAL_USERS =
      List.of(
          "io.tieredmemory.redis",
          "io.tieredmemory.postgres",
          "io.tieredmemory.chroma",
          "io.tieredmemory.metrics");

  @ArchTest
  static final ArchRule coreDependsOnNoDriverNorMetricsLibrary =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "redis.clients..",
              "org.postgresql..",
              "com.zaxxer..",
              "io.micrometer..",
              "io.prometheus..",
              "com.fasterxml..",
              "java.sql..",
              "javax.sql..",
              "java.net.http..")
          .because("core has no runtime dependencies: drivers and metrics live in their modules");

  @ArchTest
  static final ArchRule coreDependsOnNoOtherModule =
      noClasses()
          .that()
          .resideInAPackage(CORE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.tieredmemory.redis..",
              "io.tieredmemory.postgres..",
              "io.tieredmemory.chroma..",
              "io.tieredmemory.metrics..",
              TEST_KIT)
          .because("every other module builds on core, never the reverse");

  @ArchTest
  static final ArchRule backendsDependOnNoOtherBackendNorMetrics =
      backendRule(
          backend ->
              noClasses()
                  .that()
                  .resideInAPackage(backend)
                  .should()
                  .dependOnClassesThat()
                  .resideInAnyPackage(
                      Stream.concat(
                              BACKENDS.stream().filter(b -> !b.equals(backend)), Stream.of(METRICS))
                          .toArray(String[]::new))
                  .because("a backend is used alone or with others through core's SPI only"));

  @ArchTest
  static final ArchRule backendsUseOnlyWhatCoreExportsToThem =
      backendRule(
          backend ->
              classes()
                  .that()
                  .resideInAPackage(backend)
                  .should()
                  .onlyDependOnClassesThat(
                      resideOutsideOfPackage(CORE)
                          .or(
                              resideInAnyPackage(
                                  // exact package names: an export covers no subpackage
                                  exportedTo(coreDescriptor(), module(backend))
                                      .toArray(String[]::new))))
                  .because("a backend sees core through the packages core's module-info exports"));

  @ArchTest
  static final ArchRule coreInternalsOnlyForTheModulesGivenAQualifiedExport =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              Stream.concat(Stream.of(CORE), INTERNAL_USERS.stream().map(m -> m + ".."))
                  .toArray(String[]::new))
          .should()
          .dependOnClassesThat()
          .resideInAPackage(CORE_INTERNAL)
          .because("io.tieredmemory.core.internal is not API: it may change in any release");

  @ArchTest
  static final ArchRule onlyTheTestKitUsesTheTestKit =
      noClasses()
          .that()
          .resideOutsideOfPackage(TEST_KIT)
          .should()
          .dependOnClassesThat()
          .resideInAPackage(TEST_KIT)
          .because("test-kit (JUnit, AssertJ) is for tests: main code must not need it");

  @ArchTest
  static final ArchRule corePackagesAreFreeOfCycles =
      slices().matching("io.tieredmemory.core.(*)..").should().beFreeOfCycles();

  /** The rule keeps to the descriptor: core.internal is exported to exactly these modules. */
  @Test
  void coreExportsItsInternalsToTheModulesTheRuleAllows() {
    ModuleDescriptor core = coreDescriptor();
    Exports internal =
        core.exports().stream()
            .filter(e -> e.source().equals("io.tieredmemory.core.internal"))
            .findFirst()
            .orElseThrow();
    assertThat(internal.isQualified()).isTrue();
    assertThat(internal.targets()).containsExactlyInAnyOrderElementsOf(INTERNAL_USERS);
  }

  /**
   * Every published module has a real descriptor, and every package it does not export to all is
   * used only by the module itself and the modules it names in a qualified export.
   */
  @Test
  void publishedModulesHaveDescriptorsAndKeepTheirInternals() {
    List<Class<?>> published =
        List.of(
            TieredMemory.class,
            RedisTierStore.class,
            PostgresTierStore.class,
            ChromaTierStore.class,
            TieredMemoryMetrics.class,
            ManualClock.class);
    for (Class<?> c : published) {
      ModuleDescriptor d = descriptorOf(c);
      assertThat(d.isAutomatic()).as("%s has a module-info", d.name()).isFalse();
      assertThat(c.getPackageName()).as("module name = root package").startsWith(d.name());
      Set<String> api =
          d.exports().stream()
              .filter(e -> !e.isQualified())
              .map(Exports::source)
              .collect(Collectors.toSet());
      for (String pkg : d.packages()) {
        if (api.contains(pkg)) {
          continue;
        }
        Set<String> allowed = new TreeSet<>(exportedTargets(d, pkg));
        allowed.add(d.name());
        noClasses()
            .that()
            .resideOutsideOfPackages(allowed.stream().map(m -> m + "..").toArray(String[]::new))
            .should()
            .dependOnClassesThat()
            .resideInAPackage(pkg)
            .because(pkg + " is internal to " + d.name())
            .allowEmptyShould(true)
            .check(MainClasses.ALL);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** One rule for each backend, checked together. */
  private static ArchRule backendRule(Function<String, ArchRule> rule) {
    return CompositeArchRule.of(BACKENDS.stream().map(rule).toList());
  }

  /** "io.tieredmemory.redis.." is module io.tieredmemory.redis. */
  private static String module(String packagePattern) {
    return packagePattern.substring(0, packagePattern.length() - 2);
  }

  /** The packages {@code d} exports to everyone or to {@code module}. */
  private static Set<String> exportedTo(ModuleDescriptor d, String module) {
    return d.exports().stream()
        .filter(e -> !e.isQualified() || e.targets().contains(module))
        .map(Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> exportedTargets(ModuleDescriptor d, String pkg) {
    return d.exports().stream()
        .filter(e -> e.source().equals(pkg))
        .flatMap(e -> e.targets().stream())
        .collect(Collectors.toSet());
  }

  private static ModuleDescriptor coreDescriptor() {
    return descriptorOf(TieredMemory.class);
  }

  /** The descriptor of the jar or classes directory {@code c} was loaded from. */
  private static ModuleDescriptor descriptorOf(Class<?> c) {
    try {
      Path where = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
      return ModuleFinder.of(where).findAll().stream()
          .map(ModuleReference::descriptor)
          .findFirst()
          .orElseThrow(() -> new AssertionError("no module at " + where));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The main classes on the class path, as {@link AnalyzeClasses} imports them for the rules. */
  private static final class MainClasses {
    static final JavaClasses ALL =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tieredmemory");
  }
}
