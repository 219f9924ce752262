package io.tieredmemory.bomtest;

import static io.tieredmemory.bomtest.ClassPathVersions.ofManifest;
import static io.tieredmemory.bomtest.ClassPathVersions.ofMavenJar;
import static io.tieredmemory.bomtest.ClassPathVersions.pomProperty;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What a Spring Boot 4.0.7 build resolves with tiered-memory-bom imported before
 * spring-boot-dependencies (this module's pom): the drivers the BOM pins win over Boot's versions,
 * and the rest are Boot's.
 */
class BomVersionsTest {

  @Test
  void jedisIsTheLibrarysNotBoots() throws ClassNotFoundException {
    // Boot 4.0.7 manages Jedis 7.0.0, which has no RedisClient / RedisClusterClient.
    assertThat(ofMavenJar("redis.clients", "jedis"))
        .isEqualTo(pomProperty("tm.bom.pom", "jedis.version"))
        .isEqualTo(pomProperty("tm.parent.pom", "jedis.version"))
        .isNotEqualTo("7.0.0");
    Class.forName("redis.clients.jedis.RedisClient");
    Class.forName("redis.clients.jedis.RedisClusterClient");
  }

  @Test
  void commonsPoolIsTheOneJedisWants() {
    // Boot 4.0.7 manages 2.12.1; Jedis 8.0.2 depends on 2.13.1.
    assertThat(ofMavenJar("org.apache.commons", "commons-pool2"))
        .isEqualTo(pomProperty("tm.bom.pom", "commons-pool2.version"))
        .isEqualTo(jedisPomDependencyVersion()) // what the Jedis release itself declares
        .isNotEqualTo("2.12.1");
  }

  @Test
  void postgresDriverIsTheLibrarys() {
    // Boot 4.0.7 manages 42.7.11 (which also passes the postgres module's tests).
    assertThat(ofManifest(org.postgresql.Driver.class))
        .isEqualTo(pomProperty("tm.bom.pom", "postgresql.version"))
        .isEqualTo(pomProperty("tm.parent.pom", "postgresql.version"));
  }

  @Test
  void theUnpinnedOnesAreBoots() {
    // Not in the BOM: Boot's versions, which the library's module tests pass on
    // (docs/spring-boot.md), and which BootVersionsIT runs every tier on.
    assertThat(ofMavenJar("com.zaxxer", "HikariCP")).isEqualTo("7.0.2");
    assertThat(ofManifest(io.micrometer.core.instrument.MeterRegistry.class)).isEqualTo("1.16.6");
    assertThat(com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString())
        .isEqualTo("2.21.4");
  }

  /** The commons-pool2 version in the pom that the Jedis jar on the class path was built from. */
  private static String jedisPomDependencyVersion() {
    try (var in =
        BomVersionsTest.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/redis.clients/jedis/pom.xml")) {
      assertThat(in).as("Jedis's pom.xml in its jar").isNotNull();
      var doc =
          javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
      var deps = doc.getElementsByTagName("dependency");
      for (int i = 0; i < deps.getLength(); i++) {
        var dep = (org.w3c.dom.Element) deps.item(i);
        if (dep.getElementsByTagName("artifactId")
            .item(0)
            .getTextContent()
            .equals("commons-pool2")) {
          return dep.getElementsByTagName("version").item(0).getTextContent().trim();
        }
      }
      throw new AssertionError("Jedis's pom has no commons-pool2 dependency");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
      throw new AssertionError(e);
    }
  }
}
