package io.squadron.els;

import io.grpc.Attributes;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.ManagedChannel;
import io.grpc.SynchronizationContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** A Helper that hands out fake subchannels and remembers the last published state and picker. */
final class FakeHelper extends LoadBalancer.Helper implements AutoCloseable {

  final SynchronizationContext syncContext =
      new SynchronizationContext(
          (t, e) -> {
            throw new AssertionError(e);
          });
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final List<FakeSubchannel> subchannels = new ArrayList<>();
  ConnectivityState state;
  LoadBalancer.SubchannelPicker picker;

  @Override
  public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
    FakeSubchannel s = new FakeSubchannel(args.getAddresses());
    subchannels.add(s);
    return s;
  }

  @Override
  public void updateBalancingState(
      ConnectivityState newState, LoadBalancer.SubchannelPicker newPicker) {
    state = newState;
    picker = newPicker;
  }

  @Override
  public String getAuthority() {
    return "test.example";
  }

  @Override
  public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
    throw new UnsupportedOperationException();
  }

  @Override
  public SynchronizationContext getSynchronizationContext() {
    return syncContext;
  }

  @Override
  public ScheduledExecutorService getScheduledExecutorService() {
    return scheduler;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  /** A subchannel whose state the test sets. */
  final class FakeSubchannel extends LoadBalancer.Subchannel {
    List<EquivalentAddressGroup> addresses;
    LoadBalancer.SubchannelStateListener listener;
    boolean shutdown;
    int connectionRequests;

    FakeSubchannel(List<EquivalentAddressGroup> addresses) {
      this.addresses = addresses;
    }

    @Override
    public void start(LoadBalancer.SubchannelStateListener l) {
      listener = l;
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public void requestConnection() {
      connectionRequests++;
    }

    @Override
    public List<EquivalentAddressGroup> getAllAddresses() {
      return addresses;
    }

    @Override
    public void updateAddresses(List<EquivalentAddressGroup> addrs) {
      addresses = addrs;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    void setState(ConnectivityState s) {
      ConnectivityStateInfo info =
          s == ConnectivityState.TRANSIENT_FAILURE
              ? ConnectivityStateInfo.forTransientFailure(
                  io.grpc.Status.UNAVAILABLE.withDescription("fake"))
              : ConnectivityStateInfo.forNonError(s);
      syncContext.execute(() -> listener.onSubchannelState(info));
    }

    @Override
    public String toString() {
      return "FakeSubchannel" + addresses;
    }
  }
}
