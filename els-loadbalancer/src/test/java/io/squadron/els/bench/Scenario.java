package io.squadron.els.bench;

/** The six workloads. The "bad" endpoint is the one the scenario changes; the others stay normal. */
enum Scenario {
  EVEN("1 even", "all endpoints alike"),
  SLOW("2 slow", "one endpoint 10x slower"),
  FAIL_FAST("3 failfast", "one endpoint fails 90% in 1 ms"),
  DOWN("4 down", "one endpoint down for 3 s, then back"),
  HALF_CAPACITY("5 halfcap", "one endpoint with half the capacity"),
  TRANSIENT("6 transient", "one endpoint 10x slower for 3 s, then normal");

  final String label;
  final String description;

  Scenario(String label, String description) {
    this.label = label;
    this.description = description;
  }
}
