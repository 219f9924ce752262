package io.tieredmemory.bomtest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** Versions of the jars this test runs on, and of the properties in this repository's poms. */
final class ClassPathVersions {
  private ClassPathVersions() {}

  /**
   * The version of the Maven-built jar {@code groupId:artifactId} on the class path, read from its
   * {@code META-INF/maven/.../pom.properties}.
   */
  static String ofMavenJar(String groupId, String artifactId) {
    String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = ClassPathVersions.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError(groupId + ":" + artifactId + " is not on the class path");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code Implementation-Version} of the jar that holds {@code type}. */
  static String ofManifest(Class<?> type) {
    String v = type.getPackage().getImplementationVersion();
    if (v == null) {
      throw new AssertionError("no Implementation-Version in the jar of " + type.getName());
    }
    return v;
  }

  /**
   * The value of {@code <properties><name>} in the pom at the path in system property {@code key}.
   */
  static String pomProperty(String key, String name) {
    String file = System.getProperty(key);
    if (file == null) {
      throw new AssertionError("system property " + key + " is not set (run through Maven)");
    }
    Path path = Path.of(file);
    try (InputStream in = Files.newInputStream(path)) {
      Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
      var nodes = doc.getElementsByTagName(name);
      if (nodes.getLength() == 0) {
        throw new AssertionError(path + " has no property " + name);
      }
      return nodes.item(0).getTextContent().trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError("cannot read " + path, e);
    }
  }
}
