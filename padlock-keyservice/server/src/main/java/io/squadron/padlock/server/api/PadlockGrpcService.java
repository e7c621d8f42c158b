package io.squadron.padlock.server.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.padlock.server.crypto.KeyDerivation;
import io.squadron.padlock.server.keys.KeyItem;
import io.squadron.padlock.server.keys.KeyOutcome;
import io.squadron.padlock.server.keys.KeyService;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.padlock.v1.BlockCategoryRequest;
import io.squadron.proto.padlock.v1.BlockCategoryResponse;
import io.squadron.proto.padlock.v1.CompactDerivedKeys;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.CreateUserKeysResponse;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysResponse;
import io.squadron.proto.padlock.v1.DerivedKeyFailure;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.GetDerivedKeysResponse;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.padlock.v1.RotateMasterKeyRequest;
import io.squadron.proto.padlock.v1.RotateMasterKeyResponse;
import io.squadron.proto.padlock.v1.UnblockCategoryRequest;
import io.squadron.proto.padlock.v1.UnblockCategoryResponse;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The gRPC handler of {@code squadron.padlock.v1.PadlockService}: validates requests, takes the
 * calling service from rpc-core's {@link Caller} (never from the request), and maps the domain's
 * outcomes to per-item {@code google.rpc.Status} values. Messages never carry a user id or a key.
 */
public final class PadlockGrpcService extends PadlockServiceGrpc.PadlockServiceImplBase {
  private static final Pattern PAGE_TOKEN = Pattern.compile("[A-Za-z0-9_-]{0,4096}");

  private final KeyService keys;
  private final PadlockSettings settings;
  private final Map<KeyOutcome.Failure, DerivedKeyResult> itemResults;

  /** A handler over {@code keys}, mapping failures with {@code errors}. */
  PadlockGrpcService(KeyService keys, PadlockSettings settings, PadlockErrors errors) {
    this.keys = requireNonNull(keys, "keys");
    this.settings = requireNonNull(settings, "settings");
    this.itemResults = new EnumMap<>(KeyOutcome.Failure.class);
    for (KeyOutcome.Failure failure : KeyOutcome.Failure.values()) {
      itemResults.put(
          failure, DerivedKeyResult.newBuilder().setStatus(errors.status(failure)).build());
    }
  }

  @Override
  public void createUserKeys(
      CreateUserKeysRequest request, StreamObserver<CreateUserKeysResponse> response) {
    String userId = requireUserId("user_id", request.getUserId());
    boolean created = keys.createUserKeys(userId);
    response.onNext(CreateUserKeysResponse.newBuilder().setCreated(created).build());
    response.onCompleted();
  }

  @Override
  public void getDerivedKeys(
      GetDerivedKeysRequest request, StreamObserver<GetDerivedKeysResponse> response) {
    String service = callingService();
    int count = request.getItemsCount();
    if (count == 0) {
      throw RpcErrors.invalidArgument("items", "must not be empty");
    }
    if (count > settings.maxBatchItems()) {
      throw RpcErrors.of(
          Status.Code.RESOURCE_EXHAUSTED,
          ErrorReason.REQUEST_TOO_LARGE,
          "items: " + count + " items (expected: at most " + settings.maxBatchItems() + ")");
    }
    List<KeyItem> valid = new ArrayList<>(count);
    int[] validIndex = new int[count];
    com.google.rpc.Status[] invalid = new com.google.rpc.Status[count];
    for (int i = 0; i < count; i++) {
      DerivedKeyItem item = request.getItems(i);
      com.google.rpc.Status problem = itemProblem(i, item);
      if (problem != null) {
        invalid[i] = problem;
        validIndex[i] = -1;
      } else {
        validIndex[i] = valid.size();
        valid.add(new KeyItem(item.getUserId(), item.getCategory(), item.getKeyVersion()));
      }
    }
    // A call whose deadline passed (or that was cancelled) is closed already: stop reading stores
    // for it.
    io.grpc.Context context = io.grpc.Context.current();
    List<KeyOutcome> outcomes = keys.derivedKeys(service, valid, context::isCancelled);
    if (request.getCompactResponse()) {
      response.onNext(
          GetDerivedKeysResponse.newBuilder()
              .setCompact(compact(count, validIndex, invalid, outcomes))
              .build());
      response.onCompleted();
      return;
    }
    GetDerivedKeysResponse.Builder out = GetDerivedKeysResponse.newBuilder();
    for (int i = 0; i < count; i++) {
      if (validIndex[i] < 0) {
        out.addResults(DerivedKeyResult.newBuilder().setStatus(invalid[i]));
        continue;
      }
      KeyOutcome outcome = outcomes.get(validIndex[i]);
      out.addResults(outcome.isOk() ? wireForm(outcome.key()) : itemResults.get(outcome.failure()));
    }
    response.onNext(out.build());
    response.onCompleted();
  }

  @Override
  public void deleteUserKeys(
      DeleteUserKeysRequest request, StreamObserver<DeleteUserKeysResponse> response) {
    keys.deleteUserKeys(requireUserId("user_id", request.getUserId()));
    response.onNext(DeleteUserKeysResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void blockCategory(
      BlockCategoryRequest request, StreamObserver<BlockCategoryResponse> response) {
    keys.blockCategory(
        requireUserId("user_id", request.getUserId()), requireCategory(request.getCategory()));
    response.onNext(BlockCategoryResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void unblockCategory(
      UnblockCategoryRequest request, StreamObserver<UnblockCategoryResponse> response) {
    keys.unblockCategory(
        requireUserId("user_id", request.getUserId()), requireCategory(request.getCategory()));
    response.onNext(UnblockCategoryResponse.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void rotateMasterKey(
      RotateMasterKeyRequest request, StreamObserver<RotateMasterKeyResponse> response) {
    int pageSize = request.getPageSize() == 0 ? 1000 : request.getPageSize();
    if (pageSize < 1 || pageSize > 10_000) {
      throw RpcErrors.invalidArgument("page_size", request.getPageSize() + " (expected: 0..10000)");
    }
    if (!PAGE_TOKEN.matcher(request.getPageToken()).matches()) {
      throw RpcErrors.invalidArgument("page_token", "not a token this service returned");
    }
    KeyService.RotationPage page;
    try {
      page = keys.rotateMasterKey(request.getPageToken(), pageSize);
    } catch (IllegalArgumentException e) {
      throw RpcErrors.invalidArgument("page_token", "not a token this service returned");
    }
    response.onNext(
        RotateMasterKeyResponse.newBuilder()
            .setScanned(page.scanned())
            .setRewrapped(page.rewrapped())
            .setNextPageToken(page.nextPageToken())
            .setCurrentMasterKeyVersion(page.currentMasterVersion())
            .build());
    response.onCompleted();
  }

  /**
   * The compact answer: every key into one array wrapped without a copy, versions packed, failures
   * listed. About a tenth of the encoding work of a message per item (profiled: the per-item
   * messages were a quarter of the hot path's CPU).
   */
  private CompactDerivedKeys compact(
      int count, int[] validIndex, com.google.rpc.Status[] invalid, List<KeyOutcome> outcomes) {
    byte[] bytes = new byte[count * KeyDerivation.KEY_LENGTH];
    CompactDerivedKeys.Builder out = CompactDerivedKeys.newBuilder();
    for (int i = 0; i < count; i++) {
      if (validIndex[i] < 0) {
        out.addKeyVersions(0)
            .addFailures(DerivedKeyFailure.newBuilder().setIndex(i).setStatus(invalid[i]));
        continue;
      }
      KeyOutcome outcome = outcomes.get(validIndex[i]);
      if (outcome.isOk()) {
        outcome.key().copyTo(bytes, i * KeyDerivation.KEY_LENGTH);
        out.addKeyVersions(outcome.key().version());
      } else {
        out.addKeyVersions(0)
            .addFailures(
                DerivedKeyFailure.newBuilder()
                    .setIndex(i)
                    .setStatus(itemResults.get(outcome.failure()).getStatus()));
      }
    }
    return out.setKeys(UnsafeByteOperations.unsafeWrap(bytes)).build();
  }

  /** The result message of a key, built once per cached key and reused (immutable). */
  private static DerivedKeyResult wireForm(io.squadron.padlock.server.keys.DerivedKey key) {
    if (key.cachedWireForm() instanceof DerivedKeyResult cached) {
      return cached;
    }
    DerivedKeyResult result =
        DerivedKeyResult.newBuilder()
            .setKey(ByteString.copyFrom(key.key()))
            .setKeyVersion(key.version())
            .build();
    key.cacheWireForm(result);
    return result;
  }

  private static String callingService() {
    Caller caller = Caller.current();
    if (caller == Caller.UNKNOWN || caller.isApp()) {
      // Keys are bound to a calling service; a call without one (or from a client app) has no keys
      // to get.
      throw RpcErrors.of(
          Status.Code.PERMISSION_DENIED,
          ErrorReason.CALLER_NOT_ALLOWED,
          "GetDerivedKeys is for services identified by their certificate");
    }
    return caller.name();
  }

  private String requireUserId(String field, String userId) {
    String problem = userIdProblem(userId);
    if (problem != null) {
      throw RpcErrors.invalidArgument(field, problem);
    }
    return userId;
  }

  private String requireCategory(String category) {
    if (category.isEmpty()) {
      throw RpcErrors.invalidArgument("category", "must not be empty");
    }
    if (!keys.categories().contains(category)) {
      throw RpcErrors.invalidArgument(
          "category",
          "unknown category (expected: one of "
              + keys.categories().currentVersions().keySet()
              + ")");
    }
    return category;
  }

  private String userIdProblem(String userId) {
    if (userId.isEmpty()) {
      return "must not be empty";
    }
    if (userId.length() > settings.maxIdLength()) {
      return "too long: "
          + userId.length()
          + " characters (expected: at most "
          + settings.maxIdLength()
          + ")";
    }
    return null;
  }

  private com.google.rpc.Status itemProblem(int index, DerivedKeyItem item) {
    // The hot path: no allocation unless the item is bad (field names are built only for the
    // error).
    String userId = item.getUserId();
    if (!userId.isEmpty()
        && userId.length() <= settings.maxIdLength()
        && !item.getCategory().isEmpty()
        && item.getKeyVersion() >= 0) {
      return null;
    }
    String problem = userIdProblem(userId);
    if (problem != null) {
      return RpcErrors.invalidFieldStatus("items[" + index + "].user_id", problem);
    }
    if (item.getCategory().isEmpty()) {
      return RpcErrors.invalidFieldStatus("items[" + index + "].category", "must not be empty");
    }
    return RpcErrors.invalidFieldStatus(
        "items[" + index + "].key_version",
        item.getKeyVersion() + " (expected: 0 for the current version, or a version >= 1)");
  }
}
