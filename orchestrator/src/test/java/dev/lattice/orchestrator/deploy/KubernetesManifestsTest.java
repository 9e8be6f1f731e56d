package dev.lattice.orchestrator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import dev.lattice.orchestrator.testing.KubernetesDeployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests under deploy/kubernetes: each one parses and names itself; the kustomization lists
 * them all; workloads, Services and the disruption budget select the pods they mean; the Lattice
 * pods are the ones Cluster Bootstrap's discovery selects, with the ports, probes, permissions,
 * configuration and secrets that application.conf relies on.
 */
class KubernetesManifestsTest {
  private static final String KUSTOMIZATION = "kustomization.yaml";
  private static final String LATTICE_IMAGE = "lattice";

  /** Every document of every manifest, by file name. */
  private static Map<String, List<JsonNode>> manifests;

  private static Config conf;

  @BeforeAll
  static void parse() throws IOException {
    manifests = new HashMap<>();
    try (Stream<Path> files = Files.list(KubernetesDeployment.directory())) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        manifests.put(file.getFileName().toString(), documents(file));
      }
    }
    conf = KubernetesDeployment.resolvedApplicationConf();
  }

  private static List<JsonNode> documents(Path file) {
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
      List<JsonNode> result = new ArrayList<>();
      docs.forEachRemaining(
          doc -> {
            if (!doc.isNull() && !doc.isMissingNode()) {
              result.add(doc);
            }
          });
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
  }

  @Test
  void everyManifestHasAnApiVersionKindAndName() {
    assertThat(manifests.keySet()).contains(KUSTOMIZATION, "namespace.yaml");
    manifests.forEach(
        (file, docs) -> {
          assertThat(docs).as(file).isNotEmpty();
          for (JsonNode doc : docs) {
            assertThat(doc.path("apiVersion").asText()).as(file + " apiVersion").isNotBlank();
            assertThat(doc.path("kind").asText()).as(file + " kind").isNotBlank();
            if (!file.equals(KUSTOMIZATION)) {
              assertThat(doc.path("metadata").path("name").asText())
                  .as(file + " metadata.name")
                  .isNotBlank();
            }
          }
        });
  }

  @Test
  void theKustomizationAppliesEveryManifestAndGeneratesTheConfigMap() {
    JsonNode kustomization = manifests.get(KUSTOMIZATION).get(0);
    Set<String> resources = texts(kustomization.path("resources"));
    Set<String> others = new HashSet<>(manifests.keySet());
    others.remove(KUSTOMIZATION);
    assertThat(resources).isEqualTo(others);

    JsonNode generator = kustomization.path("configMapGenerator").get(0);
    assertThat(generator.path("name").asText()).isEqualTo("lattice-config");
    assertThat(texts(generator.path("files"))).containsExactly("application.conf");
  }

  @Test
  void workloadsServicesAndBudgetsSelectTheirPods() {
    List<JsonNode> workloads = objects("Deployment", "StatefulSet");
    assertThat(workloads).hasSize(3);
    for (JsonNode workload : workloads) {
      Map<String, String> selected =
          labels(workload.path("spec").path("selector").path("matchLabels"));
      assertThat(selected).as(name(workload) + " selector").isNotEmpty();
      assertThat(podLabels(workload))
          .as(name(workload) + " pod labels")
          .containsAllEntriesOf(selected);
    }
    for (JsonNode selecting : concat(objects("Service"), objects("PodDisruptionBudget"))) {
      JsonNode selector = selecting.path("spec").path("selector");
      Map<String, String> selected =
          labels(selector.has("matchLabels") ? selector.path("matchLabels") : selector);
      assertThat(
              workloads.stream()
                  .filter(w -> podLabels(w).entrySet().containsAll(selected.entrySet())))
          .as(name(selecting) + " selects the pods of a workload")
          .isNotEmpty();
    }
    assertThat(workloadsOf(object("Service", "lattice-api")))
        .containsExactly("lattice-orchestrator");
  }

  @Test
  void bootstrapDiscoverySelectsExactlyTheLatticePods() {
    Map<String, String> selector = discoverySelector();
    for (JsonNode workload : objects("Deployment", "StatefulSet")) {
      boolean lattice = container(workload).path("image").asText().equals(LATTICE_IMAGE);
      assertThat(podLabels(workload).entrySet().containsAll(selector.entrySet()))
          .as(name(workload) + " is found by discovery")
          .isEqualTo(lattice);
    }
    assertThat(latticeWorkloads())
        .extracting(KubernetesManifestsTest::name)
        .containsExactlyInAnyOrder("lattice-orchestrator", "lattice-worker");
  }

  @Test
  void latticePodsOpenThePortsAndProbesTheConfigurationUses() {
    for (JsonNode workload : latticeWorkloads()) {
      JsonNode container = container(workload);
      Map<String, Integer> ports = new HashMap<>();
      container
          .path("ports")
          .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
      assertThat(ports)
          .as(name(workload) + " ports")
          .containsEntry("http", conf.getInt("lattice.http.port"))
          .containsEntry("remoting", conf.getInt("pekko.remote.artery.canonical.port"))
          .containsEntry(
              conf.getString(
                  "pekko.management.cluster.bootstrap.contact-point-discovery.port-name"),
              conf.getInt("pekko.management.http.port"));
      if (env(container)
          .get("LATTICE_NODE_ROLES")
          .path("value")
          .asText()
          .contains("orchestrator")) {
        assertProbe(container, "readinessProbe", "/ready");
        assertProbe(container, "livenessProbe", "/health");
        assertProbe(container, "startupProbe", "/health");
      } else {
        // A worker serves no API: Pekko Management's health checks answer its probes.
        assertManagementProbe(container, "readinessProbe", "/ready");
        assertManagementProbe(container, "livenessProbe", "/alive");
        assertManagementProbe(container, "startupProbe", "/alive");
      }
    }
  }

  private static void assertManagementProbe(JsonNode container, String probe, String path) {
    JsonNode get = container.path(probe).path("httpGet");
    assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
    assertThat(get.path("port").asText()).as(probe).isEqualTo("management");
  }

  @Test
  void latticePodsGetTheirConfigurationRolesAndAddress() {
    Map<String, String> roles = new HashMap<>();
    for (JsonNode workload : latticeWorkloads()) {
      JsonNode pod = workload.path("spec").path("template").path("spec");
      JsonNode container = container(workload);
      Map<String, JsonNode> env = env(container);
      roles.put(name(workload), env.get("LATTICE_NODE_ROLES").path("value").asText());
      assertThat(env.get("POD_IP").path("valueFrom").path("fieldRef").path("fieldPath").asText())
          .isEqualTo("status.podIP");
      assertThat(
              env.get("LATTICE_NODE_NAME")
                  .path("valueFrom")
                  .path("fieldRef")
                  .path("fieldPath")
                  .asText())
          .isEqualTo("metadata.name");
      assertThat(env)
          .containsKeys("LATTICE_JOURNAL_URL", "LATTICE_JOURNAL_USER", "LATTICE_JOURNAL_PASSWORD");

      // -Dconfig.file names the application.conf of the mounted lattice-config ConfigMap.
      String options = env.get("LATTICE_JAVA_OPTS").path("value").asText();
      assertThat(options).contains("-Dconfig.file=/etc/lattice/application.conf");
      String volume = mountedAt(container, "/etc/lattice");
      JsonNode configVolume = named(pod.path("volumes"), volume);
      assertThat(configVolume.path("configMap").path("name").asText()).isEqualTo("lattice-config");
    }
    assertThat(roles)
        .containsEntry("lattice-orchestrator", "orchestrator")
        .containsEntry("lattice-worker", "worker");
  }

  @Test
  void latticePodsMayListPodsThroughTheirServiceAccount() {
    for (JsonNode workload : latticeWorkloads()) {
      String account =
          workload.path("spec").path("template").path("spec").path("serviceAccountName").asText();
      assertThat(object("ServiceAccount", account)).isNotNull();
      JsonNode binding =
          objects("RoleBinding").stream()
              .filter(
                  b ->
                      StreamSupport.stream(b.path("subjects").spliterator(), false)
                          .anyMatch(
                              s ->
                                  s.path("kind").asText().equals("ServiceAccount")
                                      && s.path("name").asText().equals(account)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no RoleBinding for " + account));
      JsonNode role = object("Role", binding.path("roleRef").path("name").asText());
      JsonNode rule = role.path("rules").get(0);
      assertThat(texts(rule.path("resources"))).contains("pods");
      assertThat(texts(rule.path("verbs"))).contains("get", "watch", "list");
    }
  }

  @Test
  void everyReferencedSecretKeyExists() {
    for (JsonNode workload : objects("Deployment", "StatefulSet")) {
      for (JsonNode variable : container(workload).path("env")) {
        JsonNode ref = variable.path("valueFrom").path("secretKeyRef");
        if (ref.isMissingNode()) {
          continue;
        }
        JsonNode secret = object("Secret", ref.path("name").asText());
        JsonNode data = secret.has("stringData") ? secret.path("stringData") : secret.path("data");
        assertThat(data.has(ref.path("key").asText()))
            .as(name(workload) + " " + variable.path("name").asText())
            .isTrue();
      }
    }
  }

  @Test
  void latticePodsTalkTlsWithTheFilesOfTheMountedTlsSecret() {
    for (JsonNode workload : latticeWorkloads()) {
      JsonNode pod = workload.path("spec").path("template").path("spec");
      JsonNode container = container(workload);
      Map<String, JsonNode> env = env(container);
      assertThat(env)
          .as(name(workload))
          .containsKeys(
              "LATTICE_CLUSTER_TLS_KEY_STORE",
              "LATTICE_CLUSTER_TLS_TRUST_STORE",
              "LATTICE_HTTP_TLS_KEY_STORE");
      JsonNode secret = named(pod.path("volumes"), mountedAt(container, TLS_MOUNT)).path("secret");
      assertThat(secret.path("secretName").asText()).isEqualTo("lattice-tls");
      // Readable by the pod's group (its fsGroup), by no one else.
      assertThat(secret.path("defaultMode").asInt()).isEqualTo(0440);
      assertThat(pod.path("securityContext").path("fsGroup").asInt())
          .isEqualTo(pod.path("securityContext").path("runAsGroup").asInt());
      env.forEach(
          (variable, value) -> {
            if (variable.contains("_TLS_")) {
              assertThat(value.path("value").asText())
                  .as(name(workload) + " " + variable)
                  .startsWith(TLS_MOUNT + "/");
            }
          });
    }
    // The journal's URL asks for verified TLS with the authority of that Secret.
    String url = object("Secret", "lattice-journal").path("stringData").path("url").asText();
    assertThat(url).contains("sslmode=verify-full").contains("sslrootcert=" + TLS_MOUNT + "/");
    JsonNode postgres = container(object("StatefulSet", "lattice-postgres"));
    assertThat(texts(postgres.path("args"))).contains("ssl=on");
  }

  @Test
  void latticePodsSignAuditHeadsWithTheKeyOfOneSharedSecret() {
    JsonNode secret = object("Secret", "lattice-audit-key");
    for (JsonNode workload : latticeWorkloads()) {
      JsonNode pod = workload.path("spec").path("template").path("spec");
      JsonNode container = container(workload);
      String file = env(container).get("LATTICE_AUDIT_SIGNING_KEY_FILE").path("value").asText();
      String directory = file.substring(0, file.lastIndexOf('/'));
      JsonNode volume = named(pod.path("volumes"), mountedAt(container, directory)).path("secret");
      assertThat(volume.path("secretName").asText()).as(name(workload)).isEqualTo(name(secret));
      assertThat(volume.path("defaultMode").asInt()).as(name(workload)).isEqualTo(0440);
      assertThat(secret.path("stringData").has(file.substring(directory.length() + 1)))
          .as(name(workload) + " " + file)
          .isTrue();
    }
  }

  /** Where the lattice-tls Secret is mounted in the Lattice pods. */
  private static final String TLS_MOUNT = "/etc/lattice/tls";

  private static void assertProbe(JsonNode container, String probe, String path) {
    JsonNode get = container.path(probe).path("httpGet");
    assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
    assertThat(get.path("port").asText()).as(probe).isEqualTo("http");
    // The API serves HTTPS only; the kubelet does not check the certificate.
    assertThat(get.path("scheme").asText()).as(probe).isEqualTo("HTTPS");
  }

  /** discovery's pod-label-selector, with the service name in place of %s, as labels. */
  private static Map<String, String> discoverySelector() {
    String selector =
        conf.getString("pekko.discovery.kubernetes-api.pod-label-selector")
            .replace(
                "%s",
                conf.getString(
                    "pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    Map<String, String> labels = new HashMap<>();
    for (String term : selector.split(",")) {
      String[] pair = term.trim().split("=", 2);
      labels.put(pair[0], pair[1]);
    }
    return labels;
  }

  private static List<JsonNode> latticeWorkloads() {
    return objects("Deployment", "StatefulSet").stream()
        .filter(w -> container(w).path("image").asText().equals(LATTICE_IMAGE))
        .toList();
  }

  private static List<String> workloadsOf(JsonNode service) {
    Map<String, String> selected = labels(service.path("spec").path("selector"));
    return objects("Deployment", "StatefulSet").stream()
        .filter(w -> podLabels(w).entrySet().containsAll(selected.entrySet()))
        .map(KubernetesManifestsTest::name)
        .toList();
  }

  private static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.path("spec").path("template").path("spec").path("containers");
    assertThat(containers.size()).as(name(workload) + " containers").isEqualTo(1);
    return containers.get(0);
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new HashMap<>();
    container.path("env").forEach(v -> env.put(v.path("name").asText(), v));
    return env;
  }

  private static String mountedAt(JsonNode container, String path) {
    return StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
        .filter(m -> m.path("mountPath").asText().equals(path))
        .map(m -> m.path("name").asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static JsonNode named(JsonNode list, String name) {
    return StreamSupport.stream(list.spliterator(), false)
        .filter(n -> n.path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name));
  }

  private static Map<String, String> podLabels(JsonNode workload) {
    return labels(workload.path("spec").path("template").path("metadata").path("labels"));
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> labels = new HashMap<>();
    node.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static Set<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false)
        .map(JsonNode::asText)
        .collect(Collectors.toSet());
  }

  private static String name(JsonNode object) {
    return object.path("metadata").path("name").asText();
  }

  private static List<JsonNode> objects(String... kinds) {
    Set<String> wanted = Set.of(kinds);
    return manifests.values().stream()
        .flatMap(List::stream)
        .filter(doc -> wanted.contains(doc.path("kind").asText()))
        .toList();
  }

  private static JsonNode object(String kind, String name) {
    return objects(kind).stream()
        .filter(o -> name(o).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
