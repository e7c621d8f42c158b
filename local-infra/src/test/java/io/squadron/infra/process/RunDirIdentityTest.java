package io.squadron.infra.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunDirIdentityTest {
  @Test
  void identity_ofALiveProcess_carriesItsBootRelativeStart_andMatchesItself() throws Exception {
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      ProcessHandle p = child.toHandle();
      String identity = RunDir.identity(p);
      String[] parts = identity.split(" ");
      assertThat(parts).hasSize(3);
      assertThat(Long.parseLong(parts[2])).isEqualTo(RunDir.startTicks(p.pid())).isPositive();
      assertThat(RunDir.sameProcess(p, identity)).isTrue();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void sameProcess_ignoresAWallClockStep_butNotAnotherStartTick() throws Exception {
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      ProcessHandle p = child.toHandle();
      long ticks = RunDir.startTicks(p.pid());
      long startMillis = p.info().startInstant().orElseThrow().toEpochMilli();
      // As if the wall clock had been stepped by 41 s since the record was written.
      assertThat(RunDir.sameProcess(p, p.pid() + " " + (startMillis - 41_000) + " " + ticks))
          .isTrue();
      // Another process that got the same pid started at another tick.
      assertThat(RunDir.sameProcess(p, p.pid() + " " + startMillis + " " + (ticks - 1))).isFalse();
      assertThat(RunDir.sameProcess(p, (p.pid() + 1) + " " + startMillis + " " + ticks)).isFalse();
      // A record of an older run (no ticks): the start instant, within minutes.
      assertThat(RunDir.sameProcess(p, p.pid() + " " + (startMillis - 41_000))).isTrue();
      assertThat(RunDir.sameProcess(p, p.pid() + " " + (startMillis - 3_600_000))).isFalse();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void startTicks_ofThisJvm_isPositive_andOfNoProcess_isMinusOne() {
    assertThat(RunDir.startTicks(ProcessHandle.current().pid())).isPositive();
    assertThat(RunDir.startTicks(Long.MAX_VALUE)).isEqualTo(-1);
  }
}
