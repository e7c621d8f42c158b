package io.squadron.els.bench;

/**
 * The workloads. Unless a scenario says otherwise: 8 endpoints of 2 slots, 4 clients of 40
 * requests/s, and the "bad" endpoint (3) is the one the scenario changes while the others stay
 * normal.
 */
enum Scenario {
  EVEN("even", "all endpoints alike"),
  SLOW("slow", "endpoint 3 is 10x slower"),
  FAIL_FAST("failfast", "endpoint 3 fails 90% of calls in 1 ms"),
  DOWN("down", "endpoint 3 is killed at 2 s and restarted at 5 s"),
  HALF_CAPACITY("halfcap", "endpoint 3 has 1 slot instead of 2"),
  TRANSIENT("transient", "endpoint 3 is 10x slower from 2 s to 5 s"),
  HERD("herd", "16 independent clients of 12 requests/s (60% load), endpoints alike"),
  COLD(
      "cold",
      "endpoint 3 starts at 2 s and joins by a resolver update; its first calls are up to 10x slower"),
  SHED(
      "shed",
      "every endpoint sheds load (RESOURCE_EXHAUSTED) when 4 wait; endpoint 3 is 3x slower"),
  BURSTY("bursty", "requests come in bursts of 8 at once (fan-out), same mean rate"),
  GC("gc", "endpoint 3 stops the world for 300 ms every 2 s"),
  DEGRADE("degrade", "endpoint 3 slows down steadily, 1x at 0 s to 6x at 10 s (a leak)"),
  HETERO("hetero", "endpoints have 1, 1, 2, 2, 2, 3, 3, 4 slots (mixed machines, 44% load)"),
  REGIONS("regions", "two regions of 4 endpoints 60 ms apart, 2 clients in each"),
  REGION_LOSS("regionloss", "as regions; 3 of region a's 4 endpoints are down from 2 s to 5 s");

  final String name;
  final String description;

  Scenario(String name, String description) {
    this.name = name;
    this.description = description;
  }

  /** "1 even", "2 slow", ...: the label in the tables. */
  String label() {
    return (ordinal() + 1) + " " + name;
  }

  boolean regions() {
    return this == REGIONS || this == REGION_LOSS;
  }

  int clients() {
    return this == HERD ? 16 : 4;
  }

  double ratePerClient() {
    return this == HERD ? 12 : 40;
  }

  /** Requests per arrival: bursts for BURSTY, else 1. */
  int burst() {
    return this == BURSTY ? 8 : 1;
  }

  /**
   * Whether the share column means requests that crossed regions rather than requests to endpoint
   * 3.
   */
  boolean sharesCrossRegion() {
    return regions();
  }
}
